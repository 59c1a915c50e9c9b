"""Read-only data access for the dashboards and the report, through the Store only.

Nothing happens at import time. Each query gets its own read-only connection (none is shared
between threads); the embedded store's database stays open between queries
(`pipeline.stores.shared`), so its caches stay warm. `load(...)` results are cached per process
for up to CACHE_SECONDS: a busy page costs one set of queries, and a re-index shows up within
that time.
Cached frames are shared between requests: treat them as read-only.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar, cast

import pandas as pd
from flask import current_app

from dashboards.figures_film import DEMAND
from pipeline.config import Config
from pipeline.stores import Filter, Store, open_store
from pipeline.stores.base import sentiment_table
from pipeline.stores.shared import shared_reader

CONFIG_KEY = "FILMBUZZ_CONFIG"
CONFIG_PATH_KEY = "FILMBUZZ_CONFIG_PATH"
TOP_POSTS = 10
CACHE_SECONDS = 30
T = TypeVar("T")


def current_config() -> Config:
    """The config of the Dash app serving the current request (set by `create_app`)."""
    return cast(Config, current_app.config[CONFIG_KEY])


@contextmanager
def reading(config: Config) -> Iterator[Store]:
    if config.store.backend == "embedded":
        with shared_reader(config.data_dir / "store.duckdb") as shared:
            yield shared
        return
    store = open_store(config, read_only=True)
    try:
        yield store
    finally:
        store.close()


@dataclass(frozen=True)
class Choices:
    """What the global filters offer: the days with posts and the values present."""

    first: date | None
    last: date | None
    sources: list[str]
    languages: list[str]
    countries: list[str]
    film_first: dict[str, date] = field(default_factory=dict)  # each film's first post day


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
    aspects: pd.DataFrame  # aspect, sentiment (the aspect's own), posts
    intents: pd.DataFrame  # period (week), intent, posts
    demand: pd.DataFrame  # country, intent, posts
    audience: pd.DataFrame  # country, posts: the audience's country, "unknown" when none
    asking: pd.DataFrame  # country, posts (with any demand intent, each post once)
    signals: pd.DataFrame  # source, metric, key, day, value

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


def film_filter(config: Config, slug: str, **fields: Any) -> Filter:
    return Filter(films=(slug,), timezone=config.project.timezone, **fields)


def choices(store: Store, config: Config) -> Choices:
    """The filters' options over every tracked film (one grouped query and one daily count)."""
    where = Filter(films=tuple(f.slug for f in config.films), timezone=config.project.timezone)
    totals = store.totals(where, ["source", "lang", "country"])
    volume = store.volume(where)
    periods = pd.to_datetime(volume["period"])

    def ranked(column: str) -> list[str]:
        sums = totals.groupby(column)["posts"].sum().sort_values(ascending=False)
        return [str(value) for value in sums.index]

    first = periods.min().date() if len(periods) else None
    last = periods.max().date() if len(periods) else None
    firsts = {
        str(f): pd.Timestamp(d).date() for f, d in volume.groupby("film")["period"].min().items()
    }
    return Choices(first, last, ranked("source"), ranked("lang"), ranked("country"), firsts)


def film_view(store: Store, config: Config, where: Filter) -> FilmView:
    """Everything for `where` (one film); share of voice is against all tracked films."""
    everyone = replace(where, films=tuple(film.slug for film in config.films))
    undated = replace(where, start=None, end=None)
    queries: dict[str, Callable[[Store], pd.DataFrame]] = {
        "volume": lambda s: _without_film(s.volume(where)),
        "sentiment": lambda s: _without_film(s.sentiment(where)),
        "reach": lambda s: s.totals(where, ["source", "lang"]),
        "voice": lambda s: s.share_of_voice(everyone),
        "top_posts": lambda s: s.top_posts(where, limit=TOP_POSTS),
        "aspects": lambda s: _without_film(s.totals(where, ["aspect", "aspect_sentiment"])).rename(
            columns={"aspect_sentiment": "sentiment"}
        ),
        "intents": lambda s: _without_film(
            s.counts(replace(where, granularity="week"), ["intent"])
        ),
        "demand": lambda s: _without_film(s.totals(where, ["country", "intent"])),
        "audience": lambda s: _without_film(s.totals(where, ["country"])),
        "asking": lambda s: _without_film(s.totals(replace(where, intents=DEMAND), ["country"])),
        # Signals are snapshots (stats as of the crawl): all of them, charts pick their days.
        "signals": lambda s: s.signals(undated).drop(columns=["film"]),
    }
    frames = {name: query(store) for name, query in queries.items()}
    reach = frames.pop("reach")  # one query for both breakdowns (every post has both fields)
    return FilmView(
        slug=where.films[0],
        where=where,
        sources=_ranked(reach, "source"),
        languages=_ranked(reach, "lang"),
        **frames,
    )


def empty_film_view(where: Filter) -> FilmView:
    """The view of a filter that cannot match anything."""
    return FilmView(
        slug=where.films[0],
        where=where,
        volume=frame("period", "posts"),
        sentiment=frame("period", "pos", "neg", "neu", "posts", "net"),
        sources=frame("source", "posts"),
        languages=frame("lang", "posts"),
        voice=frame("film", "posts", "share"),
        top_posts=frame("id", "url", "text"),
        aspects=frame("aspect", "sentiment", "posts"),
        intents=frame("period", "intent", "posts"),
        demand=frame("country", "intent", "posts"),
        audience=frame("country", "posts"),
        asking=frame("country", "posts"),
        signals=frame("source", "metric", "key", "day", "value"),
    )


def frame(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


def film_totals(store: Store, config: Config, where: Filter) -> pd.DataFrame:
    """Columns film, pos, neg, neu, posts, net over `where` (all its films)."""
    return sentiment_table(store.totals(where, ["sentiment"]), ["film"])


def load(loader: Callable[..., T], config: Config, *args: Any) -> T:
    """`loader(store, config, *args)`, cached per process; `args` must be hashable. A result
    being computed by `prefetch` is waited for, not computed twice."""
    key = (loader, _Keyed(config), args, _period())
    with _FLIGHTS_LOCK:
        flight = _FLIGHTS.get(key)
    return cast(T, flight.result() if flight is not None else _cached(*key))


def prefetch(loader: Callable[..., Any], config: Config, *args: Any) -> None:
    """Start `load(loader, config, *args)` in the background, so that the callback asking for
    it right after the page is sent finds it computed (or computing), not to be started."""
    key = (loader, _Keyed(config), args, _period())
    with _FLIGHTS_LOCK:
        if key in _FLIGHTS:
            return
        flight = _prefetcher().submit(_cached, *key)
        _FLIGHTS[key] = flight
    flight.add_done_callback(lambda _: _landed(key))


def _landed(key: tuple[Any, ...]) -> None:
    with _FLIGHTS_LOCK:  # the result is in the cache now (an error is raised to the waiters)
        _FLIGHTS.pop(key, None)


@functools.cache
def _prefetcher() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="filmbuzz-prefetch")


_FLIGHTS: dict[tuple[Any, ...], Future[Any]] = {}
_FLIGHTS_LOCK = threading.Lock()


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


@functools.lru_cache(maxsize=256)
def _cached(loader: Callable[..., Any], keyed: _Keyed, args: tuple[Any, ...], period: int) -> Any:
    with reading(keyed.config) as store:
        return loader(store, keyed.config, *args)


def clear_cache() -> None:
    """Forget cached results (benchmarks measure cold loads)."""
    _cached.cache_clear()


def _ranked(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Columns <column>, posts: summed, the most posts first (as `Store.breakdown`)."""
    sums = frame.groupby(column, as_index=False)["posts"].sum()
    return sums.sort_values(["posts", column], ascending=[False, True]).reset_index(drop=True)


def _without_film(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["film"]).reset_index(drop=True)
