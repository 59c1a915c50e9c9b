"""Stage `index`: lake files the store does not hold yet -> the store (upsert by id)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.parquet as pq

from pipeline.lake import Lake
from pipeline.stores.base import Store

TABLES = ("posts", "signals")


@dataclass(frozen=True)
class IndexResult:
    posts: int
    signals: int


def index(lake: Lake, store: Store, rebuild: bool = False) -> IndexResult:
    """Bring the store up to date with the lake; `rebuild` empties it and starts over.

    Lake files never change once written, so a file's name is enough to know it is in the
    store. A file is marked only after all its rows were written: a crash or a failed
    document means the whole file is written again next time, which upserts the same ids.
    """
    if rebuild:
        store.clear()
    done = store.indexed_files()
    counts = dict.fromkeys(TABLES, 0)
    for table in TABLES:
        write = store.write_posts if table == "posts" else store.write_signals
        for path in lake.files(table):
            key = f"{table}/{path.relative_to(lake.path(table))}"
            if key in done:
                continue
            counts[table] += write(pq.read_table(path))
            store.mark_indexed(key)
    return IndexResult(counts["posts"], counts["signals"])
