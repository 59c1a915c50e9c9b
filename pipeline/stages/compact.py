"""Stage `compact`: rewrite lake tables that hold a record id twice, keeping its first copy.

Every writer dedupes by id, under the run lock, so doubles come only from runs of older
versions that overlapped (two `filmbuzz enrich` at once) or from files copied in by hand.
`index` compacts first, so `index --check` then agrees; `filmbuzz compact` does it alone.
"""

from __future__ import annotations

import duckdb

from pipeline.lake import Lake

TABLES = ("raw", "posts", "signals", "quarantine")


def doubled_rows(lake: Lake, table: str) -> int:
    """Rows of `table` whose id an earlier row already has."""
    files = [str(p) for p in lake.files(table)]
    if not files:
        return 0
    sql = "SELECT count(*) - count(DISTINCT id) FROM read_parquet(?)"
    with duckdb.connect() as db:
        return int(db.execute(sql, [files]).fetchall()[0][0])


def compact(lake: Lake, tables: tuple[str, ...] = TABLES) -> dict[str, int]:
    """Doubled rows removed per table (tables without doubles are not touched)."""
    removed: dict[str, int] = {}
    for table in tables:
        doubled = doubled_rows(lake, table)
        if doubled:
            lake.replace(table, lake.deduplicated(table))
            removed[table] = doubled
    return removed
