"""Stage `index`: lake files the store does not hold yet -> the store (upsert by id)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow.parquet as pq

from pipeline.lake import SCHEMAS, Lake
from pipeline.stages.compact import compact
from pipeline.stores.base import Filter, Store, StoreWriteError

TABLES = ("posts", "signals")


@dataclass(frozen=True)
class IndexResult:
    posts: int
    signals: int
    problems: tuple[str, ...] = ()  # files the store refused some rows of; retried next run
    compacted: dict[str, int] = field(default_factory=dict)  # doubled lake rows removed first


def index(lake: Lake, store: Store, rebuild: bool = False) -> IndexResult:
    """Bring the store up to date with the lake; `rebuild` empties it and starts over.

    Lake files never change once written, so a file's name is enough to know it is in the
    store. A file is marked only after all its rows were written: a crash or a refused
    document means the whole file is written again next time, which upserts the same ids.
    A refused document does not stop the other files; it is reported in `problems`. A lake
    that holds an id twice is compacted first (`pipeline.stages.compact`).
    """
    compacted = compact(lake)
    if rebuild:
        store.clear()
    done = store.indexed_files()
    counts = dict.fromkeys(TABLES, 0)
    problems: list[str] = []
    for table in TABLES:
        write = store.write_posts if table == "posts" else store.write_signals
        for path in lake.files(table):
            key = f"{table}/{path.relative_to(lake.path(table))}"
            if key in done:
                continue
            try:
                counts[table] += write(pq.read_table(path, schema=SCHEMAS[table]))
            except StoreWriteError as exc:
                problems.append(f"{path}: {exc}")
                continue
            store.mark_indexed(key)
    return IndexResult(counts["posts"], counts["signals"], tuple(problems), compacted)


@dataclass(frozen=True)
class Difference:
    film: str
    month: str  # YYYY-MM, in UTC
    lake: int
    store: int


def lake_month_counts(lake: Lake) -> dict[tuple[str, str], int]:
    """Posts per (film, UTC month) in the lake, counted straight from its Parquet files."""
    files = [str(p) for p in lake.files("posts")]
    if not files:
        return {}
    sql = (
        "SELECT film, strftime(timezone('UTC', published_at), '%Y-%m') AS month, count(*) "
        "FROM (SELECT unnest(about) AS film, published_at FROM read_parquet(?)) GROUP BY ALL"
    )
    with duckdb.connect() as db:
        return {(film, month): n for film, month, n in db.execute(sql, [files]).fetchall()}


def check(lake: Lake, store: Store) -> list[Difference]:
    """Where the store's counts per film and month differ from the lake's (empty: in sync)."""
    expected = lake_month_counts(lake)
    frame = store.counts(Filter(granularity="month", timezone="UTC"))
    found = {(r.film, r.period.strftime("%Y-%m")): int(r.posts) for r in frame.itertuples()}
    keys = sorted(set(expected) | set(found))
    return [
        Difference(film, month, expected.get((film, month), 0), found.get((film, month), 0))
        for film, month in keys
        if expected.get((film, month), 0) != found.get((film, month), 0)
    ]
