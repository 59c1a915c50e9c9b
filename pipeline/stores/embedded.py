"""The embedded store: a DuckDB file built from the lake. No server; works on a laptop."""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.errors import StoreError
from pipeline.lake import fsync
from pipeline.records import POST_SCHEMA, SIGNAL_SCHEMA
from pipeline.stores.base import (
    TEXT_COLUMNS,
    AuthorRank,
    Filter,
    Store,
    ranked_authors,
    utc_bounds,
    with_film_column,
)
from pipeline.stores.words import STEMMED, WordMatch, derived_columns, word_matches

LAYOUT_VERSION = 4  # 3: posts.text_truncated; 4: search stems and followers too
_STAGING = ".staging"
_PINNED = "filmbuzz_store"  # the attached file's name in a pinned store's database
_ASPECTS = ", unnest(f.aspects) AS a(item)"
# How each dimension is read from `post_films f`: a column, or one row per list element.
_DIMENSION_SQL = {
    "source": ("f.source", ""),
    "lang": ("f.language", ""),
    "sentiment": ("f.sentiment_label", ""),
    "country": ("coalesce(f.country, 'unknown')", ""),
    "intent": ("i.intent", ", unnest(f.intents) AS i(intent)"),
    "aspect": ("a.item.aspect", _ASPECTS),
    "aspect_sentiment": ("a.item.label", _ASPECTS),
}
# One row per (post, film it is about) with what filters and groupings read, so queries
# never join; `posts` keeps whole records for the top-posts list. `facts` is a batch of posts
# with the columns every store derives (pipeline.stores.words.DERIVED).
_FACTS = (
    "SELECT unnest(about) AS film, id, published_at, source, "
    "coalesce(detected_lang, lang, 'und') AS language, sentiment_label, country, intents, aspects, "
    "coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0) + coalesce(score, 0) AS engagement, "
    "text, title, author, stems, followers FROM facts"
)
_TOP_POSTS = (
    "SELECT * FROM ({posts}) ORDER BY engagement DESC, published_at DESC, id LIMIT ? OFFSET ?"
)
# Fetched by id in a second query: a join would scan every post to find a page of them.
_POST_RECORDS = """
SELECT p.id, p.about AS films, p.source, p.url, p.author, p.title, p.text,
       coalesce(p.detected_lang, p.lang) AS lang, p.sentiment_label, p.sentiment_score,
       p.rating, p.intents, p.country
FROM posts p WHERE p.id = ANY(?)
"""
_AUTHORS = """
WITH hits AS ({posts})
SELECT source, author, count(*) AS posts, sum(engagement) AS engagement,
       max(followers) AS followers
FROM hits GROUP BY source, author
ORDER BY {order} LIMIT ?
"""
_AUTHOR_FIELDS = "id, source, author, engagement, followers"
_AUTHOR_ORDER = {
    "posts": "posts DESC",
    "engagement": "engagement DESC",
    "reach": "followers DESC NULLS LAST",
}


class EmbeddedStore(Store):
    """Posts in `posts`, their per-film facts in `post_films`, signals in `signals`.

    DuckDB lets one process write a file, and no other process open it meanwhile. So a writer
    never opens the current file: when it first writes, it copies it (or starts a new one, for
    a rebuild or a store of another layout) to a staging file beside it, works there, and
    `close()` renames the staging file over the current one, atomically. Readers open the
    current file read-only: they never wait for a writer and never make it fail, and each sees
    the last complete index. Writers take turns under the run lock (`pipeline.jobs.lock`).
    """

    def __init__(self, path: Path, read_only: bool = False, pinned: bool = False) -> None:
        """With `pinned` (read-only), the store keeps reading the file now at `path` after an
        index puts a new one in its place, without hiding the new one from other connections:
        `duckdb.connect(path)` hands a process the database already open under that name, so a
        store kept open that way would make every later open in the process read the old file.
        A pinned store attaches the file to a database of its own instead."""
        self.path = Path(path)
        self.read_only = read_only or pinned
        self.staging: Path | None = None
        self.catalog = _PINNED if pinned else None  # the attached file's database
        if self.read_only and not self.path.is_file():
            raise no_store(self.path)
        if not self.read_only:
            _prepare_folder(self.path)
        if self.read_only or _usable(self.path):
            self.db = self._attach() if pinned else self._connect(self.path, read_only=True)
            try:
                self._check_layout()
            except StoreError:
                self.db.close()
                raise
        else:
            self._stage(copy=False)

    def _attach(self) -> duckdb.DuckDBPyConnection:
        db = self._connect(Path(":memory:"), read_only=False)
        try:
            db.execute(f"ATTACH {_quoted(str(self.path))} AS {_PINNED} (READ_ONLY)")
            db.execute(f"USE {_PINNED}")
        except duckdb.Error as exc:
            db.close()
            raise StoreError(f"{self.path}: cannot open the embedded store ({exc})") from None
        return db

    def _connect(self, path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the embedded store ({exc})") from None

    def _stage(self, copy: bool) -> None:
        """Start writing: a staging copy of the current file (or a new one), opened for writing."""
        _remove_stale_staging(self.path)
        staging = self.path.with_name(
            f".{self.path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{_STAGING}"
        )
        try:
            if copy:
                shutil.copyfile(self.path, staging)
        except OSError as exc:
            raise StoreError(f"{staging}: cannot copy the store to update it ({exc})") from None
        self.staging = staging
        self.db = self._connect(staging, read_only=False)
        self._create_tables()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        if self.staging is None:
            self.db.close()
            self._stage(copy=True)

    def _create_tables(self) -> None:
        batch = pa.Table.from_batches([], schema=POST_SCHEMA)
        facts = _with_derived(batch)  # noqa: F841 — read by DuckDB by name
        no_signals = pa.Table.from_batches([], schema=SIGNAL_SCHEMA)  # noqa: F841
        self.db.execute("CREATE TABLE IF NOT EXISTS posts AS SELECT * FROM batch WHERE false")
        self.db.execute(f"CREATE TABLE IF NOT EXISTS post_films AS {_FACTS} WHERE false")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS signals AS SELECT * FROM no_signals WHERE false"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS indexed_files (name VARCHAR PRIMARY KEY)")
        self.db.execute("CREATE TABLE IF NOT EXISTS layout (version INTEGER)")
        if not self.db.execute("SELECT count(*) FROM layout").fetchall()[0][0]:
            self.db.execute("INSERT INTO layout VALUES (?)", [LAYOUT_VERSION])

    def _check_layout(self) -> None:
        if _layout(self.db) != LAYOUT_VERSION:
            raise StoreError(
                f"{self.path}: this store was built by another filmbuzz version; "
                "run `filmbuzz index` to rebuild it from the lake"
            )

    def handle(self) -> EmbeddedStore:
        """Another connection to this read-only store's database, for another thread."""
        if not self.read_only:
            raise StoreError(f"{self.path}: only a read-only store hands out connections")
        other = copy.copy(self)
        other.db = self.db.cursor()
        if self.catalog:
            other.db.execute(f"USE {self.catalog}")
        return other

    def close(self) -> None:
        """Close; a writer's staging file replaces the current store here."""
        if self.staging is None:
            self.db.close()
            return
        staging, self.staging = self.staging, None
        try:
            self.db.execute("CHECKPOINT")
        finally:
            self.db.close()
        try:
            fsync(staging)
            os.replace(staging, self.path)
            fsync(self.path.parent)
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot put the updated store in place ({exc})"
            ) from None

    def write_posts(self, table: pa.Table) -> int:
        self._writable()
        batch = table.select(POST_SCHEMA.names)
        facts = _with_derived(batch)  # noqa: F841 — read by DuckDB by name
        with self._transaction():
            self.db.execute("DELETE FROM posts WHERE id IN (SELECT id FROM batch)")
            self.db.execute("DELETE FROM post_films WHERE id IN (SELECT id FROM batch)")
            self.db.execute("INSERT INTO posts SELECT * FROM batch")
            self.db.execute(f"INSERT INTO post_films {_FACTS}")
        return table.num_rows

    def write_signals(self, table: pa.Table) -> int:
        self._writable()
        batch = table.select(SIGNAL_SCHEMA.names)  # noqa: F841 — read by DuckDB by name
        with self._transaction():
            self.db.execute("DELETE FROM signals WHERE id IN (SELECT id FROM batch)")
            self.db.execute("INSERT INTO signals SELECT * FROM batch")
        return table.num_rows

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def clear(self) -> None:
        """Start again from an empty store (the current one serves readers until `close()`)."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        self.db.close()
        if self.staging is not None:
            self.staging.unlink(missing_ok=True)
        self._stage(copy=False)

    def indexed_files(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT name FROM indexed_files").fetchall()}

    def mark_indexed(self, name: str) -> None:
        self._writable()
        self.db.execute("INSERT OR IGNORE INTO indexed_files VALUES (?)", [name])

    def post_count(self, where: Filter | None = None) -> int:
        if where is None:
            return int(self.db.execute("SELECT count(*) FROM posts").fetchall()[0][0])
        clause, params = _where(where)
        sql = f"SELECT count(DISTINCT id) FROM post_films f WHERE {clause}"
        return int(self.db.execute(sql, params).fetchall()[0][0])

    def grouped(self, where: Filter, by: Sequence[str], with_period: bool) -> pd.DataFrame:
        selects, joins = ["f.film"], ""
        if with_period:
            zone = where.timezone.replace("'", "")
            local = f"timezone('{zone}', f.published_at)"
            selects.append(f"CAST(date_trunc('{where.granularity}', {local}) AS DATE) AS period")
        for dimension in by:
            expression, join = _DIMENSION_SQL[dimension]
            selects.append(f"{expression} AS {dimension}")
            joins += join if join not in joins else ""
        clause, params = _where(where)
        keys = ", ".join(str(i + 1) for i in range(len(selects)))
        columns = ", ".join(selects)
        if joins:  # filter first, then unnest: DuckDB would otherwise unnest every row of the table
            sql = (
                f"WITH f AS MATERIALIZED (SELECT * FROM post_films f WHERE {clause}) "
                f"SELECT {columns}, count(*) AS posts FROM f{joins} GROUP BY {keys} ORDER BY {keys}"
            )
        else:
            sql = (
                f"SELECT {columns}, count(*) AS posts FROM post_films f "
                f"WHERE {clause} GROUP BY {keys} ORDER BY {keys}"
            )
        frame = self._frame(sql, params)
        return frame.astype({"posts": "int64"}) if not frame.empty else _empty(selects)

    def _frame(self, sql: str, params: list[Any]) -> pd.DataFrame:
        try:
            return self.db.sql(sql, params=params).to_arrow_table().to_pandas()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: query failed ({exc})") from None

    def top_posts(self, where: Filter, limit: int = 10, offset: int = 0) -> pd.DataFrame:
        clause, params = _where(where)
        posts = _one_per_post(where, clause, "id, engagement, published_at, followers")
        hits = self._frame(_TOP_POSTS.format(posts=posts), [*params, limit, offset])
        records = self._frame(_POST_RECORDS, [list(hits["id"])])
        frame = hits.merge(records, on="id", how="left")
        return with_film_column(frame, where)

    def authors(self, where: Filter, rank: AuthorRank = "posts", limit: int = 20) -> pd.DataFrame:
        clause, params = _where(where)
        order = ", ".join([_AUTHOR_ORDER[rank], *_AUTHOR_ORDER.values(), "source, author"])
        posts = _one_per_post(where, f"{clause} AND f.author IS NOT NULL", _AUTHOR_FIELDS)
        frame = self._frame(_AUTHORS.format(posts=posts, order=order), [*params, limit])
        return ranked_authors(frame, rank, limit)

    def post_texts(self, where: Filter, limit: int = 5000) -> pd.DataFrame:
        clause, params = _where(where)
        posts = _one_per_post(where, clause, "id, language AS lang, title, text")
        sql = f"{posts} ORDER BY id LIMIT ?"
        return self._frame(sql, [*params, limit]).reindex(columns=TEXT_COLUMNS)

    def signals(self, where: Filter, metric: str | None = None) -> pd.DataFrame:
        conditions: list[str] = ["true"]
        params: list[Any] = []
        for condition, value in (
            ("film IN (SELECT unnest(?))", list(where.films) or None),
            ("metric = ?", metric),
            ("day >= ?", where.start),
            ("day <= ?", where.end),
        ):
            if value:
                conditions.append(condition)
                params.append(value)
        sql = (
            "SELECT film, source, metric, key, day, value FROM signals "
            f"WHERE {' AND '.join(conditions)} ORDER BY film, source, metric, key, day"
        )
        return self._frame(sql, params)


def _where(where: Filter) -> tuple[str, list[Any]]:
    conditions: list[str] = ["true"]
    params: list[Any] = []
    for column, values in (
        ("f.film", where.films),
        ("f.source", where.sources),
        ("f.language", where.languages),
        ("f.country", where.countries),
        ("f.sentiment_label", where.sentiments),
        ("f.author", where.authors),
    ):
        if values:
            conditions.append(f"{column} IN (SELECT unnest(?))")
            params.append(list(values))
    start, end = utc_bounds(where)
    for condition, value in (
        ("f.published_at >= ?", start),
        ("f.published_at < ?", end),
        ("f.engagement >= ?", where.min_engagement),
        ("list_has_any(f.intents, ?)", list(where.intents) or None),
    ):
        if value is not None:
            conditions.append(condition)
            params.append(value)
    if where.on_aspects:
        conditions.append(_aspect_condition(where, params))
    for match in word_matches(where.text):
        conditions.append(_word_condition(match, params))
    return " AND ".join(conditions), params


def _one_per_post(where: Filter, clause: str, columns: str) -> str:
    """The matching posts, once each: a post about two films has a row per film, but only one
    matches when the filter names a single film (and then DISTINCT is work for nothing)."""
    distinct = "" if len(where.films) == 1 else "DISTINCT "
    return f"SELECT {distinct}{columns} FROM post_films f WHERE {clause}"


def _aspect_condition(where: Filter, params: list[Any]) -> str:
    tests = []
    for field, values in (("aspect", where.aspects), ("label", where.aspect_sentiments)):
        if values:
            tests.append(f"list_contains(?, a.{field})")
            params.append(list(values))
    return f"len(list_filter(f.aspects, lambda a: {' AND '.join(tests)})) > 0"


def _word_condition(match: WordMatch, params: list[Any]) -> str:
    """The post holds the word's stem in its own language (the word itself in the others)."""
    tests = []
    for stem, languages in match.by_stem:
        tests.append("(f.language IN (SELECT unnest(?)) AND list_contains(f.stems, ?))")
        params += [list(languages), stem]
    tests.append("(f.language NOT IN (SELECT unnest(?)) AND list_contains(f.stems, ?))")
    params += [list(STEMMED), match.plain]
    return "(" + " OR ".join(tests) + ")"


def _with_derived(batch: pa.Table) -> pa.Table:
    derived = derived_columns(batch)
    for field in derived.schema:
        batch = batch.append_column(field, derived[field.name])
    return batch


def _empty(selects: list[str]) -> pd.DataFrame:
    names = [s.rsplit(" AS ", 1)[-1].split(".")[-1] for s in selects]
    return pd.DataFrame(
        {name: pd.Series(dtype="object") for name in names} | {"posts": pd.Series(dtype="int64")}
    )


def _prepare_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store's folder ({exc.strerror})") from None
    if path.exists() and not path.is_file():
        raise StoreError(f"{path}: is not a file; move it away or set [store] path")


def _usable(path: Path) -> bool:
    """Whether a writer can start from a copy of `path`: it exists, has no write-ahead log
    left by a killed process (a copy would miss it) and has this version's layout."""
    if not path.is_file() or path.with_name(path.name + ".wal").exists():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as db:
            return _layout(db) == LAYOUT_VERSION
    except duckdb.Error:
        return False


def _layout(db: duckdb.DuckDBPyConnection) -> int | None:
    try:
        return db.execute("SELECT max(version) FROM layout").fetchall()[0][0]  # type: ignore[no-any-return]
    except duckdb.Error:
        return None


def _remove_stale_staging(path: Path) -> None:
    """Staging files of writers that died (their process is gone)."""
    for staging in path.parent.glob(f".{path.name}.*-*{_STAGING}*"):
        pid = staging.name.removeprefix(f".{path.name}.").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            staging.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def no_store(path: Path) -> StoreError:
    return StoreError(f"{path}: no store yet; run `filmbuzz index` first")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
