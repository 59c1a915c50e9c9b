"""The overview, compare and posts pages' data: loaders `(store, config, *args)` for `data.load`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from dashboards import metrics
from dashboards.data import film_totals
from dashboards.metrics import Spike
from dashboards.urlstate import Filters, PostFilters
from pipeline.config import Config
from pipeline.exports import tables
from pipeline.insights import why
from pipeline.stores import Filter, Store
from pipeline.stores.base import AuthorRank

POSTS_PER_PAGE = 25
TOP_AUTHORS = 10
EXPORT_LIMIT = 10_000  # Elasticsearch's default result window; `filmbuzz export posts` has all


@dataclass(frozen=True)
class FilmPulse:
    """One tracked film over the overview's period."""

    slug: str
    title: str
    year: int
    posts: int
    before: int  # posts in the previous period of the same length
    net: float | None
    share: float | None
    spike: Spike | None  # the latest spike in the period
    daily: pd.Series  # posts per day over the period

    @property
    def momentum(self) -> float | None:
        return metrics.momentum(self.posts, self.before)


@dataclass(frozen=True)
class Overview:
    start: date
    end: date
    films: list[FilmPulse]
    voice: pd.DataFrame  # film, posts, share over the period


@dataclass(frozen=True)
class PostsPage:
    rows: pd.DataFrame
    total: int  # distinct posts matching
    page: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // POSTS_PER_PAGE), 1)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def overview(store: Store, config: Config, filters: Filters) -> Overview:
    """Every tracked film over the filters' period (default: the last 28 days with data)."""
    slugs = tuple(f.slug for f in config.films)
    everything = replace(filters, start=None, end=None).where(slugs, config.project.timezone)
    volume = store.volume(everything)
    last = pd.to_datetime(volume["period"]).max().date() if len(volume) else None
    start, end = metrics.period(filters.start, filters.end, last)
    moods = film_totals(store, config, replace(everything, start=start, end=end)).set_index("film")
    before = metrics.previous(start, end)
    pulses = [
        _pulse(film.slug, film.title, film.year, volume, moods, (start, end), before)
        for film in config.films
    ]
    total = sum(p.posts for p in pulses)
    pulses = [replace(p, share=p.posts / total if total else None) for p in pulses]
    voice = pd.DataFrame(
        {"film": [p.slug for p in pulses], "posts": [p.posts for p in pulses]}
    ).sort_values(["posts", "film"], ascending=[False, True])
    return Overview(start, end, pulses, voice)


def _pulse(
    slug: str,
    title: str,
    year: int,
    volume: pd.DataFrame,
    moods: pd.DataFrame,
    span: tuple[date, date],
    before: tuple[date, date],
) -> FilmPulse:
    rows = volume[volume["film"] == slug]
    history = metrics.daily(rows, before[0] - pd.Timedelta(days=metrics.DEFAULT_DAYS), span[1])
    current = history[pd.Timestamp(span[0]) :]
    previous = history[pd.Timestamp(before[0]) : pd.Timestamp(before[1])]
    found = metrics.spikes(history, judge_from=len(history) - len(current))
    net = float(moods.at[slug, "net"]) if slug in moods.index else None
    return FilmPulse(
        slug=slug,
        title=title,
        year=year,
        posts=int(current.sum()),
        before=int(previous.sum()),
        net=net,
        share=None,
        spike=found[-1] if found else None,
        daily=current,
    )


def compare(store: Store, config: Config, filters: Filters, slugs: tuple[str, ...]) -> pd.DataFrame:
    """Daily posts (film, period, posts) of the chosen films under the global filters."""
    return store.volume(filters.where(slugs, config.project.timezone))


def posts_where(config: Config, filters: Filters, post: PostFilters) -> Filter:
    """The Posts view's filter: its film (a tracked one, else every tracked film), the global
    filters and its own."""
    tracked = tuple(f.slug for f in config.films)
    slugs = (post.film,) if post.film in tracked else tracked
    return post.narrow(filters.where(slugs, config.project.timezone))


def posts_page(
    store: Store, config: Config, filters: Filters, post: PostFilters, page: int
) -> PostsPage:
    """One page of the most engaged posts matching the filters, and how many match."""
    where = posts_where(config, filters, post)
    rows = store.top_posts(where, limit=POSTS_PER_PAGE, offset=(page - 1) * POSTS_PER_PAGE)
    return PostsPage(rows, store.post_count(where), page)


def posts_table(store: Store, config: Config, filters: Filters, post: PostFilters) -> pd.DataFrame:
    """The Posts view as an export (the `posts` export's columns), most engaged first, at most
    EXPORT_LIMIT posts."""
    where = posts_where(config, filters, post)
    rows = store.top_posts(where, limit=EXPORT_LIMIT)
    return tables.post_rows(rows, config.project.timezone)


def explanation(
    store: Store, config: Config, where: Filter, slug: str, start: date, end: date
) -> why.Explanation:
    """Why the film moved over [start, end] under the page's filters."""
    return why.explain(store, config.film(slug), where, start, end)


def carriers(
    store: Store, config: Config, where: Filter, rank: AuthorRank
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who carries the buzz: the top authors by `rank`, and the most engaged posts of the first
    few of them."""
    authors = store.authors(where, rank, limit=TOP_AUTHORS)
    first = authors.head(5)
    if first.empty:
        return authors, first
    # Handles are per source: the same one on two sources may be two people.
    posts = store.top_posts(replace(where, authors=tuple(first["author"])), limit=50)
    pairs = set(zip(first["source"], first["author"], strict=True))
    mine = [(s, a) in pairs for s, a in zip(posts["source"], posts["author"], strict=True)]
    return authors, posts[mine].head(5).reset_index(drop=True)


def crawl_health(config: Config) -> list[dict[str, object]]:
    """Per source: its last crawl's time, status, counts and first error (enabled or run ones)."""
    from pipeline.stages.sources import source_statuses

    rows = [vars(row) for row in source_statuses(config)]
    return [row for row in rows if row["enabled"] or row["last_run"]]
