"""Stage `index`: lake files not yet in the store -> the store (upsert by id)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.lake import Lake
from pipeline.stores.base import Store


@dataclass(frozen=True)
class IndexResult:
    posts: int
    signals: int


class IndexedFiles:
    """Which lake files a store already holds. Lake files never change once written, so a file
    name is enough; re-indexing a file after a crash only upserts the same ids again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.names: set[str] = set(json.loads(path.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            self.names = set()

    def add(self, name: str) -> None:
        self.names.add(name)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(sorted(self.names)), encoding="utf-8")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        self.names = set()
        self.path.unlink(missing_ok=True)


def index(lake: Lake, store: Store, state: Path, rebuild: bool = False) -> IndexResult:
    """Bring the store up to date with the lake; `rebuild` empties it and starts over."""
    indexed = IndexedFiles(state)
    if rebuild:
        store.clear()
        indexed.clear()
    counts = {"posts": 0, "signals": 0}
    for table in ("posts", "signals"):
        write = store.write_posts if table == "posts" else store.write_signals
        for path in lake.files(table):
            key = f"{table}/{path.relative_to(lake.path(table))}"
            if key in indexed.names:
                continue
            counts[table] += write(pq.read_table(path))
            indexed.add(key)
    return IndexResult(counts["posts"], counts["signals"])
