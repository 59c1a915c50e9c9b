"""A JSON Lines file of posts for timing `filmbuzz analyze` (texts of the dev set and the replay
snapshot, cycled, each with an id of its own).

    python -m benchmarks.analyze_input --posts 100000 --out /tmp/posts-100k.jsonl
    /usr/bin/time -v filmbuzz analyze --config filmbuzz.example.toml \
        --input /tmp/posts-100k.jsonl --output /tmp/out.jsonl --processes 2
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.nlp import stream, texts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/posts-100k.jsonl"))
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        for number, post in enumerate(stream(texts(), args.posts)):
            line = {"id": str(number), "text": post.text, "lang": post.lang, "films": post.films}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"wrote {args.posts:,} posts to {args.out}")


if __name__ == "__main__":
    main()
