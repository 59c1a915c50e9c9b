"""The `posts`, `territories` and `aspects` exports. Columns are documented in docs/exports.md."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

from pipeline import availability
from pipeline.config import Config, Film
from pipeline.stores.base import Filter, Store

POST_COLUMNS = [
    "date", "published_at", "film", "source", "url", "author", "title", "excerpt", "lang",
    "sentiment", "sentiment_score", "rating", "engagement", "intents", "country", "id",
]  # fmt: skip
TERRITORY_COLUMNS = [
    "film", "country", "mentions", "want_to_see", "where_to_watch", "demand", "first_mention",
    "last_mention", "release_status", "release_date", "release_kinds", "piracy", "status_as_of",
    "release_source", "streaming", "rent_buy", "offers_seen", "watch_link", "film_posts",
    "film_posts_with_country",
]  # fmt: skip
ASPECT_COLUMNS = [
    "film", "aspect", "mentions", "share", "positive", "negative", "neutral", "net_sentiment",
]  # fmt: skip
EXCERPT = 200
PAGE = 1000


def _filter(config: Config, films: Sequence[str], start: date | None, end: date | None) -> Filter:
    return Filter(films=tuple(films), start=start, end=end, timezone=config.project.timezone)


def excerpt(text: object, limit: int = EXCERPT) -> str:
    """The text on one line, cut at a word boundary to at most `limit` characters."""
    flat = re.sub(r"\s+", " ", str(text or "")).strip()
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def posts(
    store: Store, config: Config, films: Sequence[str], start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Every post about the films, one row per post and film, with its URL as provenance."""
    where = _filter(config, films, start, end)
    pages = []
    for film in films:
        one = Filter(films=(film,), start=start, end=end, timezone=where.timezone)
        offset = 0
        while not (page := store.top_posts(one, limit=PAGE, offset=offset)).empty:
            pages.append(page)
            offset += PAGE
    if not pages:
        return pd.DataFrame(columns=POST_COLUMNS)
    frame = post_rows(pd.concat(pages, ignore_index=True), config.project.timezone)
    frame = frame.sort_values(["film", "published_at", "id"]).reset_index(drop=True)
    return frame.reindex(columns=POST_COLUMNS)


def post_rows(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """`Store.top_posts` rows as the `posts` export's columns, in the frame's order."""
    if frame.empty:
        return pd.DataFrame(columns=POST_COLUMNS)
    frame = frame.copy()
    zone = ZoneInfo(timezone)
    published = pd.to_datetime(frame["published_at"], utc=True)
    frame["date"] = [t.astimezone(zone).date() for t in published]
    frame["published_at"] = [t.isoformat().replace("+00:00", "Z") for t in published]
    frame["excerpt"] = frame["text"].map(excerpt)
    frame["sentiment"] = frame["sentiment_label"]
    for column in ("url", "author", "title", "lang", "sentiment"):  # one "missing" on every store
        frame[column] = [v if isinstance(v, str) else None for v in frame[column]]
    for column in ("sentiment_score", "rating"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64").round(4)
    frame["engagement"] = pd.to_numeric(frame["engagement"]).round().astype("Int64")
    frame["intents"] = [";".join(v) if _listed(v) else "" for v in frame["intents"]]
    frame["country"] = [v if isinstance(v, str) else "" for v in frame["country"]]
    return frame.reset_index(drop=True).reindex(columns=POST_COLUMNS)


def _listed(value: object) -> bool:
    return isinstance(value, list | tuple) and len(value) > 0


def territories(
    store: Store, config: Config, films: Sequence[str], start: date | None = None,
    end: date | None = None, today: date | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Per film and audience country: mentions, demand and release status as of the period's
    last day (`pipeline.availability`), with TMDB's where-to-watch offers."""
    where = _filter(config, films, start, end)
    mentions = store.counts(where, ["country"])
    intents = store.totals(where, ["country", "intent"])
    by_country = store.totals(where, ["country"])
    rows = []
    for slug in films:
        film = config.film(slug)
        signals = store.signals(Filter(films=(slug,), timezone=where.timezone))
        seen = mentions[mentions["film"] == slug]
        last = seen["period"].max() if len(seen) else None
        day = availability.as_of(end, last, today)
        known, total = availability.audience_share(by_country[by_country["film"] == slug])
        context = (availability.Availability.of(film, signals), day, known, total)
        rows += _territory_rows(film, seen, intents[intents["film"] == slug], context)
    frame = pd.DataFrame(rows, columns=TERRITORY_COLUMNS)
    return frame.sort_values(["film", "demand", "mentions", "country"],
                             ascending=[True, False, False, True]).reset_index(drop=True)  # fmt: skip


def _territory_rows(
    film: Film,
    mentions: pd.DataFrame,
    intents: pd.DataFrame,
    context: tuple[availability.Availability, date, int, int],
) -> list[dict[str, object]]:
    where, day, known, total = context
    seen = mentions[mentions["country"] != "unknown"]
    asks = availability.demand_by_country(intents)
    countries = sorted(set(seen["country"]) | where.countries())
    rows = []
    for country in countries:
        days = seen[seen["country"] == country]
        ask = asks.loc[country] if country in asks.index else None
        first = where.first_release(country)
        offers = where.latest_offers(country)
        rows.append({
            "film": film.slug, "country": country, "mentions": int(days["posts"].sum()),
            "want_to_see": int(ask["want_to_see"]) if ask is not None else 0,
            "where_to_watch": int(ask["where_to_watch"]) if ask is not None else 0,
            "piracy": int(ask["piracy"]) if ask is not None else 0,
            "demand": int(ask["demand"]) if ask is not None else 0,
            "first_mention": days["period"].min() if len(days) else None,
            "last_mention": days["period"].max() if len(days) else None,
            "release_status": where.status(country, day), "status_as_of": day,
            "release_date": first.day if first else None,
            "release_kinds": ";".join(sorted({r.kind for r in where.releases if r.country == country})),
            "release_source": first.source if first else "",
            "streaming": availability.providers(offers, availability.HOME_OFFERS),
            "rent_buy": availability.providers(offers, availability.PAID_OFFERS),
            "offers_seen": offers[0].seen if offers else None,
            "watch_link": where.watch_link(country) if offers else None,
            "film_posts": total, "film_posts_with_country": known,
        })  # fmt: skip
    return rows


def aspects(
    store: Store, config: Config, films: Sequence[str], start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Per film and aspect: posts discussing it, their share, and what they say of it (the
    aspect's own sentiment, read from its clause, as the film page's aspects chart shows)."""
    where = _filter(config, films, start, end)
    by = store.totals(where, ["aspect", "aspect_sentiment"])
    if by.empty:
        return pd.DataFrame(columns=ASPECT_COLUMNS)
    wide = by.pivot_table(index=["film", "aspect"], columns="aspect_sentiment", values="posts",
                          aggfunc="sum", fill_value=0)  # fmt: skip
    wide = wide.reindex(columns=["pos", "neg", "neu"], fill_value=0).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"pos": "positive", "neg": "negative", "neu": "neutral"})
    wide["mentions"] = wide[["positive", "negative", "neutral"]].sum(axis=1)
    film_totals = store.totals(where).set_index("film")["posts"]
    wide["share"] = (wide["mentions"] / wide["film"].map(film_totals)).round(4)
    wide["net_sentiment"] = ((wide["positive"] - wide["negative"]) / wide["mentions"]).round(4)
    wide = wide.sort_values(["film", "mentions", "aspect"], ascending=[True, False, True])
    return wide.reset_index(drop=True).reindex(columns=ASPECT_COLUMNS)
