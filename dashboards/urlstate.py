"""The view kept in the URL's query string: global filters plus a few per-page settings.

`?from=2023-06-01&to=2023-07-31&source=mastodon,letterboxd&lang=en&country=CA`. The query string
is the only state a page has, so a link restores the view and several workers agree on it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import parse_qsl, urlencode

from pipeline.stores import Filter

GLOBAL_KEYS = ("from", "to", "source", "lang", "country")
# The Posts view's own filters (see `PostFilters`); `film` and `q` as before.
POST_KEYS = (
    "film",
    "q",
    "sentiment",
    "intent",
    "aspect",
    "aspect_sentiment",
    "author",
    "min_engagement",
)
# Page settings left out of the URL when they have their default value.
DEFAULTS = {"authors_by": "posts"}
# A filter value that no post has: an emptied checklist matches nothing rather than everything.
NOTHING = "-"


@dataclass(frozen=True)
class Filters:
    """The global filters, parsed; empty tuples mean "all"."""

    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    def where(self, films: tuple[str, ...], timezone: str, text: str | None = None) -> Filter:
        return Filter(
            films=films,
            start=self.start,
            end=self.end,
            sources=self.sources,
            languages=self.languages,
            countries=self.countries,
            text=text or None,
            timezone=timezone,
        )


@dataclass(frozen=True)
class PostFilters:
    """The Posts view's filters beyond the global ones; empty means "all"."""

    film: str | None = None
    text: str | None = None
    sentiments: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    aspect_sentiments: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    min_engagement: int | None = None

    def narrow(self, where: Filter) -> Filter:
        return replace(
            where,
            text=self.text or None,
            sentiments=self.sentiments,
            intents=self.intents,
            aspects=self.aspects,
            aspect_sentiments=self.aspect_sentiments,
            authors=self.authors,
            min_engagement=self.min_engagement,
        )


def post_filters(query: Mapping[str, object]) -> PostFilters:
    """The Posts view's own filters from its query parameters; malformed values are ignored."""
    engagement = integer(query.get("min_engagement"), -1, lowest=-1)
    return PostFilters(
        film=str(query.get("film") or "") or None,
        text=str(query.get("q") or "").strip() or None,
        sentiments=split(query.get("sentiment")),
        intents=split(query.get("intent")),
        aspects=split(query.get("aspect")),
        aspect_sentiments=split(query.get("aspect_sentiment")),
        authors=split(query.get("author")),
        min_engagement=engagement if engagement >= 0 else None,
    )


def parse_search(search: str | None) -> dict[str, str]:
    """`?a=1&b=2` as a dict (the last value of a repeated key wins)."""
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))


def format_search(query: Mapping[str, str | None]) -> str:
    """A dict as `?a=1&b=2`, leaving out empty values; '' when nothing is left."""
    kept = [_pair(key, value) for key, value in query.items() if value]
    return "?" + "&".join(kept) if kept else ""


@functools.lru_cache(maxsize=4096)
def _pair(key: str, value: str) -> str:
    # Charts put a link on every point (thousands a page) from a few hundred distinct pairs.
    return urlencode({key: value}, safe=",-")


def filters(query: Mapping[str, object]) -> Filters:
    """The global filters from a page's query parameters; malformed values are ignored."""
    return Filters(
        start=_day(query.get("from")),
        end=_day(query.get("to")),
        sources=split(query.get("source")),
        languages=split(query.get("lang")),
        countries=split(query.get("country")),
    )


def global_search(search: str | None) -> str:
    """Only the global filters of a query string (for links to other pages)."""
    query = parse_search(search)
    return format_search({key: query.get(key) for key in GLOBAL_KEYS})


def split(value: object) -> tuple[str, ...]:
    if isinstance(value, list):  # Dash hands repeated keys over as a list
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        return ()
    return tuple(part for part in (p.strip() for p in value.split(",")) if part)


def join(values: object) -> str | None:
    """A control's value as a query value: lists joined with commas, None for nothing."""
    if isinstance(values, list | tuple):
        return ",".join(str(v) for v in values) if values else NOTHING
    return str(values) if values not in (None, "") else None


def integer(value: object, default: int, lowest: int = 1) -> int:
    try:
        return max(int(str(value)), lowest)
    except ValueError:
        return default


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
