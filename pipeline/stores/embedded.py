"""The embedded store: a DuckDB file built from the lake. No server; works on a laptop."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.errors import StoreError
from pipeline.records import POST_SCHEMA, SIGNAL_SCHEMA
from pipeline.stores.base import DIMENSIONS, Filter, Store, with_film_column

# How each dimension is read: a column of posts, or one row per element of a list column.
_DIMENSION_SQL = {
    "source": ("p.source", ""),
    "lang": ("coalesce(p.detected_lang, p.lang, 'und')", ""),
    "sentiment": ("p.sentiment_label", ""),
    "country": ("coalesce(p.country, 'unknown')", ""),
    "intent": ("i.intent", ", unnest(p.intents) AS i(intent)"),
    "aspect": ("a.item.aspect", ", unnest(p.aspects) AS a(item)"),
}
_ENGAGEMENT = (
    "coalesce(p.likes, 0) + coalesce(p.reposts, 0) + coalesce(p.replies, 0) + coalesce(p.score, 0)"
)


class EmbeddedStore(Store):
    """Posts in `posts`, one row per (post, film it is about) in `post_films`, signals in `signals`."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            if read_only and not self.path.exists():
                raise StoreError(f"{self.path}: no store yet; run `filmbuzz index` first")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the embedded store ({exc})") from None
        if not read_only:
            self._create_tables()

    def _create_tables(self) -> None:
        for name, schema in (("posts", POST_SCHEMA), ("signals", SIGNAL_SCHEMA)):
            empty = pa.Table.from_batches([], schema=schema)  # noqa: F841 — read by DuckDB by name
            self.db.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM empty WHERE false")
        self.db.execute("CREATE TABLE IF NOT EXISTS post_films (id VARCHAR, film VARCHAR)")
        self.db.execute("CREATE TABLE IF NOT EXISTS indexed_files (name VARCHAR PRIMARY KEY)")

    def close(self) -> None:
        self.db.close()

    def write_posts(self, table: pa.Table) -> int:
        batch = table.select(POST_SCHEMA.names)  # noqa: F841 — read by DuckDB by name
        with self._transaction():
            self.db.execute("DELETE FROM posts WHERE id IN (SELECT id FROM batch)")
            self.db.execute("DELETE FROM post_films WHERE id IN (SELECT id FROM batch)")
            self.db.execute("INSERT INTO posts SELECT * FROM batch")
            self.db.execute("INSERT INTO post_films SELECT id, unnest(about) FROM batch")
        return table.num_rows

    def write_signals(self, table: pa.Table) -> int:
        batch = table.select(SIGNAL_SCHEMA.names)  # noqa: F841 — read by DuckDB by name
        with self._transaction():
            self.db.execute("DELETE FROM signals WHERE id IN (SELECT id FROM batch)")
            self.db.execute("INSERT INTO signals SELECT * FROM batch")
        return table.num_rows

    def _transaction(self) -> Any:
        store = self

        class Transaction:
            def __enter__(self) -> None:
                store.db.execute("BEGIN TRANSACTION")

            def __exit__(self, kind: object, *rest: object) -> None:
                store.db.execute("ROLLBACK" if kind else "COMMIT")

        return Transaction()

    def clear(self) -> None:
        with self._transaction():
            for name in ("posts", "post_films", "signals", "indexed_files"):
                self.db.execute(f"DELETE FROM {name}")

    def indexed_files(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT name FROM indexed_files").fetchall()}

    def mark_indexed(self, name: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO indexed_files VALUES (?)", [name])

    def post_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM posts").fetchall()[0][0])

    def counts(self, where: Filter, by: Sequence[str] = ()) -> pd.DataFrame:
        return self._grouped(where, by, with_period=True)

    def totals(self, where: Filter, by: Sequence[str] = ()) -> pd.DataFrame:
        return self._grouped(where, by, with_period=False)

    def _grouped(self, where: Filter, by: Sequence[str], with_period: bool) -> pd.DataFrame:
        unknown = [d for d in by if d not in DIMENSIONS]
        if unknown:
            raise StoreError(
                f"unknown breakdown {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}"
            )
        selects, joins = ["f.film"], ""
        if with_period:
            selects.append(
                f"CAST(date_trunc('{where.granularity}', {_local(where)}) AS DATE) AS period"
            )
        for dimension in by:
            expression, join = _DIMENSION_SQL[dimension]
            selects.append(f"{expression} AS {dimension}")
            joins += join
        clause, params = _where(where)
        keys = ", ".join(str(i + 1) for i in range(len(selects)))
        sql = (
            f"SELECT {', '.join(selects)}, count(*) AS posts FROM posts p "
            f"JOIN post_films f ON f.id = p.id{joins} WHERE {clause} GROUP BY {keys} ORDER BY {keys}"
        )
        frame = self._frame(sql, params)
        return frame.astype({"posts": "int64"}) if not frame.empty else _empty(selects)

    def _frame(self, sql: str, params: list[Any]) -> pd.DataFrame:
        try:
            return self.db.sql(sql, params=params).to_arrow_table().to_pandas()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: query failed ({exc})") from None

    def top_posts(self, where: Filter, limit: int = 10, offset: int = 0) -> pd.DataFrame:
        clause, params = _where(where, films="list_has_any(p.about, ?::VARCHAR[])")
        sql = (
            "SELECT p.id, p.about AS films, p.source, p.url, p.author, p.title, p.text, "
            "coalesce(p.detected_lang, p.lang) AS lang, p.published_at, p.sentiment_label, "
            f"p.sentiment_score, p.rating, {_ENGAGEMENT} AS engagement "
            f"FROM posts p WHERE {clause} "
            "ORDER BY engagement DESC, p.published_at DESC, p.id LIMIT ? OFFSET ?"
        )
        return with_film_column(self._frame(sql, [*params, limit, offset]), where)

    def signals(self, where: Filter, metric: str | None = None) -> pd.DataFrame:
        conditions: list[str] = ["true"]
        params: list[Any] = []
        if where.films:
            conditions.append("film IN (SELECT unnest(?))")
            params.append(list(where.films))
        if metric:
            conditions.append("metric = ?")
            params.append(metric)
        if where.start:
            conditions.append("day >= ?")
            params.append(where.start)
        if where.end:
            conditions.append("day <= ?")
            params.append(where.end)
        sql = (
            "SELECT film, source, metric, key, day, value FROM signals "
            f"WHERE {' AND '.join(conditions)} ORDER BY film, source, metric, key, day"
        )
        return self._frame(sql, params)


def _local(where: Filter) -> str:
    zone = where.timezone.replace("'", "")
    return f"timezone('{zone}', p.published_at)"


def _where(where: Filter, films: str = "f.film IN (SELECT unnest(?))") -> tuple[str, list[Any]]:
    conditions: list[str] = ["true"]
    params: list[Any] = []
    if where.films:
        conditions.append(films)
        params.append(list(where.films))
    for column, values in (
        ("p.source", where.sources),
        ("coalesce(p.detected_lang, p.lang, 'und')", where.languages),
        ("p.country", where.countries),
    ):
        if values:
            conditions.append(f"{column} IN (SELECT unnest(?))")
            params.append(list(values))
    if where.start:
        conditions.append(f"CAST({_local(where)} AS DATE) >= ?")
        params.append(where.start)
    if where.end:
        conditions.append(f"CAST({_local(where)} AS DATE) <= ?")
        params.append(where.end)
    if where.text:
        conditions.append(
            "(p.text ILIKE ? ESCAPE '\\' OR coalesce(p.title, '') ILIKE ? ESCAPE '\\')"
        )
        pattern = (
            "%" + where.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        params += [pattern, pattern]
    return " AND ".join(conditions), params


def _empty(selects: list[str]) -> pd.DataFrame:
    names = [s.rsplit(" AS ", 1)[-1].split(".")[-1] for s in selects]
    return pd.DataFrame(
        {name: pd.Series(dtype="object") for name in names} | {"posts": pd.Series(dtype="int64")}
    )
