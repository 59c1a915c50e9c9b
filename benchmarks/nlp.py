"""Speed and memory of the NLP, and the common recipe side by side.

    python -m benchmarks.nlp                    # speed of filmbuzz vs the common recipe
    python -m benchmarks.nlp --posts 1000000    # + memory over a million streamed posts
    python -m benchmarks.nlp --enrich 200000    # + the `enrich` stage on a lake of that many

Posts are the dev set's and the replay snapshot's texts (typical post lengths), cycled.
The common recipe is `en_core_web_sm` with a VADER component (see `benchmarks.recipe`: when
en_core_web_sm is not installed — it is not on PyPI — a pipeline of the same shape stands in).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
from spacy.language import Language

from benchmarks.recipe import recipe
from nlp.eval.labelled import Labelled, dev_films, read_dev
from nlp.pipeline import Analyzer, PostInput
from nlp.training.calibrate import SNAPSHOT
from nlp.training.metrics import accuracy, macro_f1
from pipeline.lake import Lake
from pipeline.records import RAW_POST_SCHEMA
from pipeline.stages.enrich import enrich_lake, workers_for


def texts() -> list[PostInput]:
    posts = [item.post for item in read_dev()]
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        posts.append(PostInput(row["text"], row.get("lang"), row.get("source")))
    return posts


def stream(posts: list[PostInput], count: int) -> Iterator[PostInput]:
    for i in range(count):
        yield posts[i % len(posts)]


def rss_mb() -> float:
    """Resident memory now (Linux), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1e6


Rate = tuple[float, float]  # posts per wall-clock second, posts per CPU second of this process


def speed(analyzer: Analyzer, posts: list[PostInput], count: int, warm: int = 4000) -> Rate:
    """Posts per second once running: the first `warm` posts (start-up, loading) are not timed."""
    results = analyzer.analyze(stream(posts, warm + count))
    for _ in islice(results, warm):
        pass
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in results:
        pass
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu)


def recipe_speed(pipeline: Language, posts: list[PostInput], count: int) -> Rate:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in pipeline.pipe((p.text for p in stream(posts, count)), batch_size=512):
        pass
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu)


def enrich_speed(posts: list[PostInput], count: int) -> tuple[float, int]:
    """Posts/s of the `enrich` stage (what `filmbuzz enrich` runs) over a lake of `count` raw
    posts, read and written as Parquet; and the worker processes it chose."""
    rows = []
    for n, post in enumerate(stream(posts, count)):
        row = dict.fromkeys(RAW_POST_SCHEMA.names)
        row |= {"id": f"bench-{n}", "source": post.source or "mastodon", "source_id": str(n)}
        row |= {"url": f"https://example.org/{n}"}
        row |= {"text": post.text, "lang": post.lang, "films": [], "extras": "{}"}
        row |= {"published_at": datetime(2023, 7, 1, tzinfo=UTC), "collected_at": datetime.now(UTC)}
        rows.append(row)
    with tempfile.TemporaryDirectory() as folder:
        lake = Lake(Path(folder))
        for start in range(0, count, 100_000):
            chunk = rows[start : start + 100_000]
            lake.append("raw", pa.Table.from_pylist(chunk, schema=RAW_POST_SCHEMA))
        wall = time.perf_counter()
        done = enrich_lake(lake, dev_films())
        elapsed = time.perf_counter() - wall
    return done / elapsed, workers_for(count)


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def accuracies(pipeline: Language, analyzer: Analyzer, items: list[Labelled]) -> dict[str, Any]:
    gold = [i.sentiment for i in items]
    ours = [a.sentiment_label for a in analyzer.analyze(i.post for i in items)]
    theirs = [d._.bench_sentiment for d in pipeline.pipe(i.post.text for i in items)]
    return {
        "filmbuzz": (accuracy(gold, ours), macro_f1(gold, ours)),
        "recipe": (accuracy(gold, theirs), macro_f1(gold, theirs)),
    }


def memory(analyzer: Analyzer, posts: list[PostInput], count: int, every: int) -> list[float]:
    samples = [rss_mb()]
    for done, _ in enumerate(analyzer.analyze(stream(posts, count)), start=1):
        if done % every == 0:
            samples.append(rss_mb())
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed-posts", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=0, help="memory run over this many posts")
    parser.add_argument("--enrich", type=int, default=0, help="time `enrich` on this many posts")
    args = parser.parse_args()
    posts = texts()
    load = load_average()
    analyzer = Analyzer(dev_films(), batch_size=1000)
    pipeline, name = recipe()
    ours = speed(analyzer, posts, args.speed_posts)
    both = speed(Analyzer(dev_films(), batch_size=1000, n_process=2), posts, args.speed_posts)
    theirs = recipe_speed(pipeline, posts, args.speed_posts)
    mean = sum(len(p.text) for p in posts) / len(posts)
    print(f"posts: {len(posts)} distinct, mean {mean:.0f} chars, {args.speed_posts:,} timed")
    print(f"load average before/after: {load:.1f} / {load_average():.1f} (2 cores, others' jobs)")
    print("                                         posts/s   posts per CPU-second")
    print(f"filmbuzz, all components, 1 process    {ours[0]:>8,.0f}  {ours[1]:>8,.0f}")
    print(f"filmbuzz, all components, 2 processes  {both[0]:>8,.0f}  (workers' CPU not counted)")
    print(f"{name:<38} {theirs[0]:>8,.0f}  {theirs[1]:>8,.0f}   (sentiment only)")
    print(
        f"speed ratio filmbuzz / recipe: {ours[0] / theirs[0]:.2f} wall-clock, "
        f"{ours[1] / theirs[1]:.2f} per CPU-second (1 process each)"
    )
    dev = read_dev()
    for label, items in (
        ("dev set, English", [i for i in dev if i.lang == "en"]),
        ("dev set, all", dev),
    ):
        scores = accuracies(pipeline, analyzer, items)
        print(
            f"sentiment on {label} ({len(items)} posts): "
            f"filmbuzz accuracy {scores['filmbuzz'][0]:.3f} macro-F1 {scores['filmbuzz'][1]:.3f} | "
            f"recipe accuracy {scores['recipe'][0]:.3f} macro-F1 {scores['recipe'][1]:.3f}"
        )
    if args.enrich:
        rate, workers = enrich_speed(posts, args.enrich)
        print(
            f"enrich stage, lake of {args.enrich:,} raw posts, {workers} worker process(es): "
            f"{rate:,.0f} posts/s (start-up and Parquet reads and writes included)"
        )
    if args.posts:
        every = max(args.posts // 10, 1)
        samples = memory(analyzer, posts, args.posts, every)
        print(
            f"memory over {args.posts:,} posts (RSS MB every {every:,}): "
            + " ".join(f"{s:.0f}" for s in samples)
        )
        print(f"growth after the first sample: {samples[-1] - samples[1]:+.1f} MB")


if __name__ == "__main__":
    main()
