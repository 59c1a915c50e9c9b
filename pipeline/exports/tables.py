"""The `posts`, `territories` and `aspects` exports. Columns are documented in docs/exports.md."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

from pipeline.config import Config, Film
from pipeline.stores.base import Filter, Store

POST_COLUMNS = [
    "date", "published_at", "film", "source", "url", "author", "title", "excerpt", "lang",
    "sentiment", "sentiment_score", "rating", "engagement", "intents", "country", "id",
]  # fmt: skip
TERRITORY_COLUMNS = [
    "film", "country", "mentions", "want_to_see", "where_to_watch", "demand", "first_mention",
    "last_mention", "release_status", "release_date", "release_kinds",
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
    """Per film and stated country: mentions, demand intents and release status."""
    where = _filter(config, films, start, end)
    mentions = store.counts(where, ["country"])
    intents = store.totals(where, ["country", "intent"])
    rows = []
    for film in films:
        rows += _territory_rows(config.film(film), mentions, intents, today or date.today())
    frame = pd.DataFrame(rows, columns=TERRITORY_COLUMNS)
    return frame.sort_values(["film", "demand", "mentions", "country"],
                             ascending=[True, False, False, True]).reset_index(drop=True)  # fmt: skip


def _territory_rows(
    film: Film, mentions: pd.DataFrame, intents: pd.DataFrame, today: date
) -> list[dict[str, object]]:
    seen = mentions[(mentions["film"] == film.slug) & (mentions["country"] != "unknown")]
    asks = intents[intents["film"] == film.slug].set_index(["country", "intent"])["posts"]
    countries = sorted(set(seen["country"]) | {r.country for r in film.releases})
    rows = []
    for country in countries:
        days = seen[seen["country"] == country]
        want = int(asks.get((country, "want_to_see"), 0))
        where_to = int(asks.get((country, "where_to_watch"), 0))
        releases = sorted((r for r in film.releases if r.country == country), key=lambda r: r.date)
        rows.append({
            "film": film.slug, "country": country, "mentions": int(days["posts"].sum()),
            "want_to_see": want, "where_to_watch": where_to, "demand": want + where_to,
            "first_mention": days["period"].min() if len(days) else None,
            "last_mention": days["period"].max() if len(days) else None,
            "release_status": release_status(film, country, today),
            "release_date": releases[0].date if releases else None,
            "release_kinds": ";".join(sorted({r.kind for r in releases})),
        })  # fmt: skip
    return rows


def release_status(film: Film, country: str, today: date) -> str:
    """`released`, `announced` (a date still to come) or `none` in that country."""
    dates = [r.date for r in film.releases if r.country == country]
    if any(d <= today for d in dates):
        return "released"
    return "announced" if dates else "none"


def aspects(
    store: Store, config: Config, films: Sequence[str], start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Per film and aspect: posts discussing it, their share and sentiment."""
    where = _filter(config, films, start, end)
    by = store.totals(where, ["aspect", "sentiment"])
    if by.empty:
        return pd.DataFrame(columns=ASPECT_COLUMNS)
    wide = by.pivot_table(index=["film", "aspect"], columns="sentiment", values="posts",
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
