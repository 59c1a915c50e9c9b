"""Crawl throughput: posts per second per spider against the replay site, politeness delays off.

    python -m benchmarks.crawl [--scale 20] [--sources mastodon,reddit]

The bundled snapshot is copied `--scale` times (new ids, same texts) so each spider has
thousands of posts to read. Every spider is timed alone, then all of them in one crawl.
"Crawl time" is the Scrapy engine's own time (start to finish, from its stats), so the child
process's start-up (~1.5 s of imports) is left out; the wall time around it is shown too.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import tempfile
import time
from pathlib import Path

from crawlers.replay import ReplaySite
from crawlers.replay.accounts import DEMO_ENV, enable_all_sources
from crawlers.replay.snapshot import Snapshot, SnapshotPost
from pipeline.config import load_config
from pipeline.stages.crawl import CrawlResult, crawl
from pipeline.starter import EXAMPLE_CONFIG

EXAMPLE = EXAMPLE_CONFIG
POST_SOURCES = ("mastodon", "letterboxd", "feeds", "bluesky", "reddit", "youtube", "x")


def scaled(snapshot: Snapshot, times: int) -> Snapshot:
    """The snapshot's posts `times` over: copy k gets ids `id~k` and native ids shifted past
    every original, so nothing collides."""
    posts = list(snapshot.posts)
    for source in {p.source for p in snapshot.posts}:
        originals = snapshot.of_source(source)
        natives = [p.native_id for p in originals]
        stride = max(natives) - min(natives) + 1
        for k in range(1, times):
            posts += [_copy(p, k, stride) for p in originals]
    return Snapshot(posts, snapshot.pageviews, snapshot.catalog)


def _copy(post: SnapshotPost, k: int, stride: int) -> SnapshotPost:
    return dataclasses.replace(
        post,
        id=f"{post.id}~{k}",
        native_id=post.native_id + k * stride,
        parent=f"{post.parent}~{k}" if post.parent else None,
    )


def bench_config(folder: Path) -> Path:
    """The example config, every source on, budgets wide enough to read everything."""
    text = enable_all_sources(EXAMPLE.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^max_pages = \d+.*\n", "", text)
    text = re.sub(r"(?m)^enabled = true", "enabled = true\nmax_pages = 10000", text)
    target = folder / "filmbuzz.toml"
    target.write_text(text, encoding="utf-8")
    return target


def run(snapshot: Snapshot, sources: list[str]) -> tuple[CrawlResult, float]:
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(bench_config(Path(folder)))
        with ReplaySite(snapshot) as site:
            started = time.perf_counter()
            result = crawl(config, sources, site.host_map, fast=True, env=DEMO_ENV)
            return result, time.perf_counter() - started


def line(name: str, posts: int, seconds: float, wall: float) -> str:
    rate = posts / seconds if seconds else 0.0
    return f"| {name} | {posts} | {seconds:.2f} | {rate:,.0f} | {wall:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl")
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--sources", default=",".join(POST_SOURCES))
    args = parser.parse_args()
    snapshot = scaled(Snapshot.load(), args.scale)
    sources = [s for s in args.sources.split(",") if s]
    print(f"snapshot x{args.scale}: {len(snapshot.posts)} posts\n")
    print(
        "| spider | posts | crawl time (s) | posts/s | wall time (s) |\n|---|---:|---:|---:|---:|"
    )
    for source in sources:
        result, wall = run(snapshot, [source])
        stats = result.sources[source]
        print(line(source, stats["posts"], stats["elapsed"], wall), flush=True)
    result, wall = run(snapshot, sources)
    engine = max(s["elapsed"] for s in result.sources.values())
    print(line("all together", result.posts, engine, wall))
    if result.error_lines:
        print("\nerrors:", *result.error_lines[:5], sep="\n  ")


if __name__ == "__main__":
    main()
