"""The Store interface: an index built from the lake, answering the product's questions.

Every store (embedded DuckDB, Elasticsearch) implements the same methods and passes the same
contract tests. Queries take one `Filter` and return pandas DataFrames with documented columns.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from pipeline.errors import StoreError

Granularity = Literal["day", "week", "month"]
AuthorRank = Literal["posts", "engagement", "reach"]
# `aspect_sentiment` is the aspect's own sentiment, `sentiment` the whole post's.
DIMENSIONS = ("source", "lang", "sentiment", "country", "intent", "aspect", "aspect_sentiment")
AUTHOR_RANKS: tuple[AuthorRank, ...] = ("posts", "engagement", "reach")


class StoreWriteError(StoreError):
    """The store refused some rows (the others were written); the message names the first."""


@dataclass(frozen=True)
class Filter:
    """What to look at. Empty fields match everything; a post must match every field given.

    films, an inclusive date range in `timezone`, sources, languages, audience countries;
    `sentiments` (the post's label); `intents` (any of them); `aspects` and `aspect_sentiments`
    (one aspect of the post with one of those names and one of those labels of its own);
    `authors` (handles); `min_engagement`; `text`: words that must all appear in the title or
    text, in any of their forms (see `pipeline.stores.words`).
    """

    films: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    text: str | None = None
    granularity: Granularity = "day"
    timezone: str = "UTC"
    sentiments: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    aspect_sentiments: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    min_engagement: int | None = None

    @property
    def on_aspects(self) -> bool:
        return bool(self.aspects or self.aspect_sentiments)


class Store(ABC):
    """Write (upsert by id) and the queries the dashboards, reports and exports need."""

    @abstractmethod
    def write_posts(self, table: pa.Table) -> int:
        """Upsert enriched posts (POST_SCHEMA) by id; returns the number of rows written."""

    @abstractmethod
    def write_signals(self, table: pa.Table) -> int:
        """Upsert signals (SIGNAL_SCHEMA) by id."""

    def counts(self, where: Filter, by: Sequence[str] = ()) -> pd.DataFrame:
        """Posts per film and period, split by the given DIMENSIONS.

        Columns: film, period (date, start of the day/week/month in the filter's time zone),
        one column per dimension in `by`, posts. Sorted by film, period, then dimensions.
        """
        return self.grouped(where, known_dimensions(by), with_period=True)

    def totals(self, where: Filter, by: Sequence[str] = ()) -> pd.DataFrame:
        """Like `counts` but over the whole range: columns film, *by, posts."""
        return self.grouped(where, known_dimensions(by), with_period=False)

    @abstractmethod
    def grouped(self, where: Filter, by: Sequence[str], with_period: bool) -> pd.DataFrame:
        """`counts` (with_period) or `totals`; `by` is already checked against DIMENSIONS."""

    @abstractmethod
    def top_posts(self, where: Filter, limit: int = 10, offset: int = 0) -> pd.DataFrame:
        """The most engaged posts (likes + reposts + replies + score), newest first on ties.

        One row per post. Columns: id, film (the first of the post's films that the filter
        asks for), films (all films the post is about), source, url, author, title, text, lang,
        published_at, sentiment_label, sentiment_score, rating, engagement, intents, country,
        followers.
        """

    @abstractmethod
    def authors(self, where: Filter, rank: AuthorRank = "posts", limit: int = 20) -> pd.DataFrame:
        """Who carries the buzz: one row per (source, author handle) with posts (distinct),
        engagement (summed over those posts) and followers (the most seen; missing where the
        source gives none). Ranked by `rank` (reach = followers, unknown last), then posts,
        engagement, source and author."""

    @abstractmethod
    def post_texts(self, where: Filter, limit: int = 5000) -> pd.DataFrame:
        """Columns id, lang, title, text of up to `limit` matching posts, in id order: ids are
        hashes, so a limit takes an even sample over time."""

    @abstractmethod
    def signals(self, where: Filter, metric: str | None = None) -> pd.DataFrame:
        """Daily signals. Columns: film, source, metric, key, day, value."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (before a rebuild from the lake)."""

    @abstractmethod
    def indexed_files(self) -> set[str]:
        """Names of the lake files this store already holds (kept in the store, so a fresh
        store always catches up from the whole lake)."""

    @abstractmethod
    def mark_indexed(self, name: str) -> None:
        """Record that every row of lake file `name` is in the store."""

    @abstractmethod
    def post_count(self, where: Filter | None = None) -> int:
        """How many distinct posts the store holds (that match `where`, if given): a post about
        two films counts once."""

    def close(self) -> None:  # noqa: B027 — most stores have nothing to release
        """Release connections."""

    def volume(self, where: Filter) -> pd.DataFrame:
        """Columns: film, period, posts."""
        return self.counts(where)

    def sentiment(self, where: Filter) -> pd.DataFrame:
        """Columns: film, period, pos, neg, neu, posts, net (= (pos - neg) / posts)."""
        return sentiment_table(self.counts(where, ["sentiment"]), ["film", "period"])

    def share_of_voice(self, where: Filter) -> pd.DataFrame:
        """Columns: film, posts, share (of all posts about the filtered films)."""
        totals = self.totals(where)
        total = int(totals["posts"].sum())
        totals["share"] = totals["posts"] / total if total else 0.0
        return totals.sort_values(["posts", "film"], ascending=[False, True]).reset_index(drop=True)

    def breakdown(self, where: Filter, dimension: str) -> pd.DataFrame:
        """Columns: film, <dimension>, posts, sorted by film then posts descending."""
        frame = self.totals(where, [dimension])
        return frame.sort_values(
            ["film", "posts", dimension], ascending=[True, False, True]
        ).reset_index(drop=True)


def known_dimensions(by: Sequence[str]) -> Sequence[str]:
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise StoreError(f"unknown breakdown {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
    return by


def utc_bounds(where: Filter) -> tuple[datetime | None, datetime | None]:
    """The filter's dates as instants: from local midnight of `start` to local midnight after `end`."""
    zone = ZoneInfo(where.timezone)
    start = datetime.combine(where.start, time(), zone).astimezone(UTC) if where.start else None
    end = (
        datetime.combine(where.end + timedelta(days=1), time(), zone).astimezone(UTC)
        if where.end
        else None
    )
    return start, end


TOP_POST_COLUMNS = [
    "id", "film", "films", "source", "url", "author", "title", "text", "lang",
    "published_at", "sentiment_label", "sentiment_score", "rating", "engagement",
    "intents", "country", "followers",
]  # fmt: skip
AUTHOR_COLUMNS = ["source", "author", "posts", "engagement", "followers"]
TEXT_COLUMNS = ["id", "lang", "title", "text"]


def with_film_column(frame: pd.DataFrame, where: Filter) -> pd.DataFrame:
    """Add `film`: the first of each post's films that the filter asks for."""
    wanted = set(where.films)
    films = [list(f) for f in frame["films"]] if len(frame) else []
    intents = [list(i) if _is_list(i) else [] for i in frame["intents"]] if len(frame) else []
    frame = frame.assign(
        film=[next((f for f in fs if not wanted or f in wanted), None) for fs in films],
        films=films,
        intents=intents,
        followers=pd.array(frame["followers"], dtype="Int64") if len(frame) else [],
    )
    return frame.reindex(columns=TOP_POST_COLUMNS)


def ranked_authors(frame: pd.DataFrame, rank: AuthorRank, limit: int) -> pd.DataFrame:
    """AUTHOR_COLUMNS in the order `Store.authors` promises, the first `limit` rows."""
    frame = frame.reindex(columns=AUTHOR_COLUMNS).astype(
        {"posts": "int64", "engagement": "int64", "followers": "Int64"}
    )
    first = {"posts": "posts", "engagement": "engagement", "reach": "followers"}[rank]
    keys = list(dict.fromkeys([first, "posts", "engagement", "source", "author"]))
    ordered = frame.sort_values(
        keys,
        ascending=[k not in ("posts", "engagement", "followers") for k in keys],
        na_position="last",
        kind="stable",
    )
    return ordered.head(limit).reset_index(drop=True)


def _is_list(value: object) -> bool:
    return value is not None and not isinstance(value, str | float) and hasattr(value, "__len__")


def sentiment_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Pivot counts by sentiment label into pos/neg/neu columns with the net score."""
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "pos", "neg", "neu", "posts", "net"])
    wide = frame.pivot_table(
        index=keys, columns="sentiment", values="posts", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=["pos", "neg", "neu"], fill_value=0).reset_index()
    wide.columns.name = None
    wide["posts"] = wide[["pos", "neg", "neu"]].sum(axis=1)
    wide["net"] = (wide["pos"] - wide["neg"]) / wide["posts"]
    return wide
