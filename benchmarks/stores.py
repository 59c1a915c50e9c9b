"""Indexing throughput and query latency of every Store, at several sizes.

    python -m benchmarks.stores --sizes 100000 1000000 --stores embedded elasticsearch

Elasticsearch is measured against osmem (an in-process Elasticsearch-compatible server), so its
numbers show the store's own overhead, not what a real cluster would do.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from benchmarks.synthetic import films, posts
from pipeline.config import ElasticsearchConfig
from pipeline.records import SIGNAL_SCHEMA, Signal
from pipeline.stores.base import DIMENSIONS, Filter, Store

CHUNK = 50_000
ZONE = "America/Montreal"


def signals(film_count: int) -> pa.Table:
    rows = [
        Signal(
            film,
            "wikipedia",
            "pageviews",
            date(2024, 1, 1) + timedelta(days=d),
            float(100 + d),
            "en",
        ).to_row()
        for film in films(film_count)
        for d in range(730)
    ]
    return pa.Table.from_pylist(rows, schema=SIGNAL_SCHEMA)


def queries(film_count: int) -> dict[str, Callable[[Store, int], Any]]:
    """Each query takes the store and a round number, so filters vary from round to round."""
    slugs = films(film_count)

    def where(i: int, **extra: Any) -> Filter:
        start = date(2024, 1, 1) + timedelta(days=(i * 37) % 600)
        return Filter(
            films=(slugs[i % 10],),
            start=start,
            end=start + timedelta(days=90),
            timezone=ZONE,
            **extra,
        )

    table: dict[str, Callable[[Store, int], Any]] = {
        "volume": lambda s, i: s.volume(where(i)),
        "volume_weekly_all_time": lambda s, i: s.volume(
            Filter(films=(slugs[i % 10],), granularity="week", timezone=ZONE)
        ),
        "sentiment": lambda s, i: s.sentiment(where(i)),
        "share_of_voice": lambda s, i: s.share_of_voice(
            Filter(films=tuple(slugs[:10]), timezone=ZONE)
        ),
        "top_posts": lambda s, i: s.top_posts(where(i), limit=20),
        "text_search": lambda s, i: s.volume(where(i, text="torrent")),
        "signals": lambda s, i: s.signals(where(i), metric="pageviews"),
        "source_x_sentiment": lambda s, i: s.counts(where(i), ["source", "sentiment"]),
    }

    def breakdown(dimension: str) -> Callable[[Store, int], Any]:
        return lambda s, i: s.breakdown(where(i), dimension)

    for dimension in DIMENSIONS:
        table[f"breakdown_{dimension}"] = breakdown(dimension)
    return table


@contextmanager
def open_bench_store(kind: str, folder: Path, es_url: str | None = None) -> Iterator[Store]:
    """The embedded store in `folder`, or Elasticsearch: a real cluster at `es_url`, else osmem."""
    if kind == "embedded":
        from pipeline.stores.embedded import EmbeddedStore

        store: Store = EmbeddedStore(folder / "store.duckdb")
        yield store
        store.close()
        return
    from osmem_server import OsmemServer

    from pipeline.stores.elasticsearch import ElasticsearchStore

    with ExitStack() as stack:
        flavor: Literal["elasticsearch", "opensearch"] = "elasticsearch"
        if es_url is None:
            es_url = stack.enter_context(OsmemServer.start(japanese=False)).url
            flavor = "opensearch"
        config = ElasticsearchConfig(
            url=es_url, flavor=flavor, index_prefix=f"bench-{os.getpid()}", request_timeout=120
        )
        store = ElasticsearchStore(config)
        stack.callback(store.close)
        stack.callback(store.clear)
        yield store


def measure(
    kind: str, size: int, film_count: int, rounds: int, es_url: str | None = None
) -> dict[str, Any]:
    table = posts(size, film_count)
    with (
        tempfile.TemporaryDirectory() as folder,
        open_bench_store(kind, Path(folder), es_url) as store,
    ):
        began = time.perf_counter()
        for offset in range(0, size, CHUNK):
            store.write_posts(table.slice(offset, CHUNK))
        store.write_signals(signals(film_count))
        seconds = time.perf_counter() - began
        latencies = {}
        for name, query in queries(film_count).items():
            query(store, 0)  # warm-up
            times = []
            for i in range(rounds):
                start = time.perf_counter()
                query(store, i)
                times.append((time.perf_counter() - start) * 1000)
            latencies[name] = (statistics.median(times), float(np.percentile(times, 95)))
    return {
        "store": kind,
        "size": size,
        "index_posts_per_s": size / seconds,
        "latency_ms": latencies,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"### {result['store']} store, {result['size']:,} posts",
        f"indexing: {result['index_posts_per_s']:,.0f} posts/s",
        "",
        "| query | p50 ms | p95 ms |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {p50:.1f} | {p95:.1f} |" for name, (p50, p95) in result["latency_ms"].items()
    ]
    worst = max(p95 for _, p95 in result["latency_ms"].values())
    lines.append(f"| **worst p95** | | **{worst:.1f}** |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--stores", nargs="+", default=["embedded", "elasticsearch"])
    parser.add_argument("--films", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--es-url", help="a real cluster (credentials from FILMBUZZ_ES_*); default: osmem"
    )
    args = parser.parse_args()
    for size in args.sizes:
        for kind in args.stores:
            result = measure(kind, size, args.films, args.rounds, args.es_url)
            print(report(result), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
