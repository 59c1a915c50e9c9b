"""The Store interface: an index built from the lake, answering the product's questions.

Every store (embedded DuckDB, Elasticsearch) implements the same methods and passes the same
contract tests. Queries take one `Filter` and return pandas DataFrames with documented columns.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
import pyarrow as pa

Granularity = Literal["day", "week", "month"]
DIMENSIONS = ("source", "lang", "sentiment", "country", "intent", "aspect")


@dataclass(frozen=True)
class Filter:
    """What to look at: films, an inclusive date range in `timezone`, sources, languages, countries, text."""

    films: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    text: str | None = None
    granularity: Granularity = "day"
    timezone: str = "UTC"


class Store(ABC):
    """Write (upsert by id) and the queries the dashboards, reports and exports need."""

    @abstractmethod
    def write_posts(self, table: pa.Table) -> int:
        """Upsert enriched posts (POST_SCHEMA) by id; returns the number of rows written."""

    @abstractmethod
    def write_signals(self, table: pa.Table) -> int:
        """Upsert signals (SIGNAL_SCHEMA) by id."""

    @abstractmethod
    def counts(self, where: Filter, by: Sequence[str] = ()) -> pd.DataFrame:
        """Posts per film and period, split by the given DIMENSIONS.

        Columns: film, period (date, start of the day/week/month in the filter's time zone),
        one column per dimension in `by`, posts. Sorted by film, period, then dimensions.
        """

    @abstractmethod
    def totals(self, where: Filter, by: Sequence[str] = ()) -> pd.DataFrame:
        """Like `counts` but over the whole range: columns film, *by, posts."""

    @abstractmethod
    def top_posts(self, where: Filter, limit: int = 10, offset: int = 0) -> pd.DataFrame:
        """The most engaged posts (likes + reposts + replies + score), newest first on ties.

        One row per post. Columns: id, film (the first of the post's films that the filter
        asks for), films (all films the post is about), source, url, author, title, text, lang,
        published_at, sentiment_label, sentiment_score, rating, engagement.
        """

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
    def post_count(self) -> int:
        """How many posts the store holds."""

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


TOP_POST_COLUMNS = [
    "id", "film", "films", "source", "url", "author", "title", "text", "lang",
    "published_at", "sentiment_label", "sentiment_score", "rating", "engagement",
]  # fmt: skip


def with_film_column(frame: pd.DataFrame, where: Filter) -> pd.DataFrame:
    """Add `film`: the first of each post's films that the filter asks for."""
    wanted = set(where.films)
    films = [list(f) for f in frame["films"]] if len(frame) else []
    frame = frame.assign(
        film=[next((f for f in fs if not wanted or f in wanted), None) for fs in films],
        films=films,
    )
    return frame.reindex(columns=TOP_POST_COLUMNS)


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
