"""Time per post of hostile texts against a typical post, through the analyzer as `enrich` runs it.

    python -m benchmarks.bounds [--repeat 5]

Typical: the mean time per post over the replay snapshot's posts, analysed in one batch.
Hostile: the mean time per post of a batch of `COPIES` variants of the text (each rotated by a
few characters, so that no tokenizer cache hides the work). The median of `--repeat` runs is
kept for both. Target: every hostile text within 10x a typical post.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from crawlers.replay import Snapshot
from nlp.pipeline import Analyzer, PostInput
from pipeline.config import load_config

COPIES = 20


def hostile_texts() -> dict[str, str]:
    rng = random.Random(7)
    mixed = "".join(rng.choice("abc#!😀😂.-/:@") for _ in range(200_000))
    words = "the film was good, the acting great but the ending too long " * 40_000
    return {
        '16,000 "😀"': "😀" * 16_000,
        '16,000 "#"': "#" * 16_000,
        '8,000 "😀😂"': "😀😂" * 8_000,
        '200,000 "x"': "x" * 200_000,
        "5 MB single token": ("abcdefghij" * 500_000),
        "200,000 mixed symbols": mixed,
        "2M characters of words": words[:2_000_000],
        "50,000 emoji, varied": "".join(rng.choice("😀😂🎬🍿❤🔥👏😭") for _ in range(50_000)),
    }


def typical_inputs() -> list[PostInput]:
    return [
        PostInput(text=p.text, lang=p.lang, source=p.source, films=[p.film] if p.film else [])
        for p in Snapshot.load().posts
    ]


def seconds(analyzer: Analyzer, inputs: list[PostInput]) -> float:
    started = time.perf_counter()
    for _ in analyzer.analyze(inputs):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = load_config("filmbuzz.example.toml")
    analyzer = Analyzer(config.films, batch_size=512)
    typical = typical_inputs()
    seconds(analyzer, typical)  # builds every language's pipeline
    per_post = statistics.median(seconds(analyzer, typical) for _ in range(args.repeat))
    per_post /= len(typical)
    print(f"typical post: {per_post * 1000:.2f} ms ({len(typical)} snapshot posts)")
    print(f"{'hostile text':<26} {'chars':>10} {'ms':>8} {'x typical':>10}")
    for name, text in hostile_texts().items():
        hostile = [PostInput(text=f"{i} {text[i:]}{text[:i]}") for i in range(COPIES)]
        took = statistics.median(seconds(analyzer, hostile) for _ in range(args.repeat)) / COPIES
        print(f"{name:<26} {len(text):>10,} {took * 1000:>8.1f} {took / per_post:>10.1f}")


if __name__ == "__main__":
    main()
