"""Read-only data access for the dashboards and the report, through the Store only.

Nothing happens at import time. A query opens the store read-only and closes it again, so no
connection is shared between threads. The pages' `load_*` results are cached per process for up to
CACHE_SECONDS: a busy page costs one set of queries, and a re-index shows up within that time.
Cached frames are shared between requests: treat them as read-only.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import cast

import pandas as pd
from flask import current_app

from pipeline.config import Config
from pipeline.stores import Filter, Store, open_store
from pipeline.stores.base import sentiment_table

CONFIG_KEY = "FILMBUZZ_CONFIG"
CONFIG_PATH_KEY = "FILMBUZZ_CONFIG_PATH"
TOP_POSTS = 10
CACHE_SECONDS = 30


def current_config() -> Config:
    """The config of the Dash app serving the current request (set by `create_app`)."""
    return cast(Config, current_app.config[CONFIG_KEY])


@contextmanager
def reading(config: Config) -> Iterator[Store]:
    store = open_store(config, read_only=True)
    try:
        yield store
    finally:
        store.close()


@dataclass(frozen=True)
class FilmView:
    """Everything the film page and the report show for one film and one filter."""

    slug: str
    where: Filter
    volume: pd.DataFrame  # period, posts
    sentiment: pd.DataFrame  # period, pos, neg, neu, posts, net
    sources: pd.DataFrame  # source, posts
    languages: pd.DataFrame  # lang, posts
    voice: pd.DataFrame  # film, posts, share (across all tracked films)
    top_posts: pd.DataFrame

    @property
    def mentions(self) -> int:
        return int(self.volume["posts"].sum())

    @property
    def net(self) -> float | None:
        posts = int(self.sentiment["posts"].sum())
        if not posts:
            return None
        return float(self.sentiment["pos"].sum() - self.sentiment["neg"].sum()) / posts

    @property
    def share(self) -> float | None:
        if not int(self.voice["posts"].sum()):
            return None
        row = self.voice[self.voice["film"] == self.slug]
        return float(row["share"].iloc[0]) if not row.empty else 0.0


@dataclass(frozen=True)
class FilmChoices:
    """What the film page's filters offer: the days with posts and the sources present."""

    first: date | None
    last: date | None
    sources: list[str]


@dataclass(frozen=True)
class FilmSummary:
    slug: str
    title: str
    year: int
    posts: int
    net: float | None
    share: float | None


def film_filter(
    config: Config,
    slug: str,
    start: date | None = None,
    end: date | None = None,
    sources: Sequence[str] = (),
) -> Filter:
    return Filter(
        films=(slug,),
        start=start,
        end=end,
        sources=tuple(sources),
        timezone=config.project.timezone,
    )


def film_view(store: Store, config: Config, where: Filter) -> FilmView:
    """Everything for `where` (one film); share of voice is against all tracked films."""
    everyone = replace(where, films=tuple(film.slug for film in config.films))
    return FilmView(
        slug=where.films[0],
        where=where,
        volume=_without_film(store.volume(where)),
        sentiment=_without_film(store.sentiment(where)),
        sources=_without_film(store.breakdown(where, "source")),
        languages=_without_film(store.breakdown(where, "lang")),
        voice=store.share_of_voice(everyone),
        top_posts=store.top_posts(where, limit=TOP_POSTS),
    )


def empty_film_view(where: Filter) -> FilmView:
    """The view of a filter that cannot match anything (e.g. no source ticked)."""

    def frame(*columns: str) -> pd.DataFrame:
        return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})

    return FilmView(
        slug=where.films[0],
        where=where,
        volume=frame("period", "posts"),
        sentiment=frame("period", "pos", "neg", "neu", "posts", "net"),
        sources=frame("source", "posts"),
        languages=frame("lang", "posts"),
        voice=frame("film", "posts", "share"),
        top_posts=frame("id", "url", "text"),
    )


def film_choices(store: Store, config: Config, slug: str) -> FilmChoices:
    where = film_filter(config, slug)
    periods = pd.to_datetime(store.volume(where)["period"])
    sources = store.breakdown(where, "source")["source"].astype(str).tolist()
    if periods.empty:
        return FilmChoices(None, None, sources)
    return FilmChoices(periods.min().date(), periods.max().date(), sources)


def overview(store: Store, config: Config) -> tuple[list[FilmSummary], pd.DataFrame]:
    """One summary per tracked film (config order) and the share of voice, over all the data."""
    where = Filter(films=tuple(f.slug for f in config.films), timezone=config.project.timezone)
    moods = sentiment_table(store.totals(where, ["sentiment"]), ["film"]).set_index("film")
    voice = store.share_of_voice(where)
    shares = voice.set_index("film")
    total = int(voice["posts"].sum())
    result = []
    for film in config.films:
        posts = int(moods.at[film.slug, "posts"]) if film.slug in moods.index else 0
        net = float(moods.at[film.slug, "net"]) if posts else None
        share = None if not total else _share(shares, film.slug)
        result.append(FilmSummary(film.slug, film.title, film.year, posts, net, share))
    return result, voice


def load_film_page(config: Config, slug: str) -> tuple[FilmChoices, FilmView]:
    """The film page's filter choices and its unfiltered view (cached)."""
    return _film_page(_Keyed(config), slug, _period())


def load_film_view(config: Config, where: Filter) -> FilmView:
    return _film_view(_Keyed(config), where, _period())


def load_overview(config: Config) -> tuple[list[FilmSummary], pd.DataFrame]:
    return _overview(_Keyed(config), _period())


class _Keyed:
    """A config as a cache key: equal configs (by content) share cached results."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.key = config.model_dump_json()

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and other.key == self.key


def _period() -> int:
    # Part of every cache key: entries stop matching when the period turns over.
    return int(time.monotonic() // CACHE_SECONDS)


@functools.lru_cache(maxsize=64)
def _film_page(keyed: _Keyed, slug: str, period: int) -> tuple[FilmChoices, FilmView]:
    with reading(keyed.config) as store:
        where = film_filter(keyed.config, slug)
        return film_choices(store, keyed.config, slug), film_view(store, keyed.config, where)


@functools.lru_cache(maxsize=256)
def _film_view(keyed: _Keyed, where: Filter, period: int) -> FilmView:
    with reading(keyed.config) as store:
        return film_view(store, keyed.config, where)


@functools.lru_cache(maxsize=8)
def _overview(keyed: _Keyed, period: int) -> tuple[list[FilmSummary], pd.DataFrame]:
    with reading(keyed.config) as store:
        return overview(store, keyed.config)


def _share(voice: pd.DataFrame, slug: str) -> float:
    return float(voice.at[slug, "share"]) if slug in voice.index else 0.0


def _without_film(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["film"]).reset_index(drop=True)
