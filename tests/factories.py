"""Builders of records with known values, for store, export and dashboard tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.config import Config, Film, parse_config
from pipeline.records import POST_SCHEMA, SIGNAL_SCHEMA, Signal, author_key, stable_id


def enriched_post(
    n: int,
    film: str = "red-rooms",
    published: datetime = datetime(2023, 7, 4, 15, tzinfo=UTC),
    source: str = "mastodon",
    label: str = "pos",
    **overrides: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": stable_id(source, str(n)),
        "source": source,
        "source_id": str(n),
        "url": f"https://example.org/posts/{n}",
        "author": f"user{n % 7}",
        "author_key": author_key(source, f"user{n % 7}"),
        "title": None,
        "text": f"Post {n} about {film}",
        "lang": "en",
        "published_at": published,
        "collected_at": datetime(2023, 9, 1, tzinfo=UTC),
        "likes": n % 5,
        "reposts": 0,
        "replies": 0,
        "score": None,
        "views": None,
        "rating": None,
        "parent_id": None,
        "films": [film],
        "query": None,
        "extras": "{}",
        "detected_lang": "en",
        "mentions": [],
        "about": [film],
        "sentiment_label": label,
        "sentiment_score": {"pos": 0.6, "neg": -0.6, "neu": 0.0}[label],
        "aspects": [],
        "intents": [],
        "country": None,
        "enriched_at": datetime(2023, 9, 1, tzinfo=UTC),
    }
    row.update(overrides)
    return row


def posts(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=POST_SCHEMA)


def signals(items: list[Signal]) -> pa.Table:
    return pa.Table.from_pylist([s.to_row() for s in items], schema=SIGNAL_SCHEMA)


def day(value: str) -> date:
    return date.fromisoformat(value)


def config_for(folder: Path, films: list[Film], name: str = "Test") -> Config:
    """A minimal valid config tracking `films`, its data folder inside `folder`."""
    raw = {
        "project": {"name": name, "contact": "test@example.org"},
        "store": {"path": str(folder / "data")},
        "films": [film.model_dump(mode="json") for film in films],
    }
    return parse_config(raw, folder / "filmbuzz.toml")


SPIKE_DAY = date(2023, 7, 5)
SPIKE_PHRASE = "bootleg screener"
_EVERYDAY = [
    ("The slow dread of this film stayed with me all night", [], None, "en"),
    ("Where can I stream it here? Nothing on any service", ["where_to_watch"], "CA", "en"),
    ("Really want to see it when it opens", ["want_to_see"], "CA", "en"),
    ("The acting is superb, the lead is magnetic", [], None, "en"),
    ("Quelle mise en scène glaçante, j'ai adoré", [], "FR", "fr"),
    ("Je veux le voir, il passe où ?", ["want_to_see", "where_to_watch"], "FR", "fr"),
]


def planted_spike(film: str = "red-rooms", first: date = date(2023, 6, 1)) -> list[dict[str, Any]]:
    """Quiet days (one or two everyday posts) from `first` to 2023-07-09, and on SPIKE_DAY
    fourteen posts by different people passing on the same news, the SPIKE_PHRASE."""
    rows = []
    day_count = (date(2023, 7, 9) - first).days + 1
    for offset in range(day_count):
        rows += _quiet_day(film, len(rows), first.toordinal() + offset)
    for i in range(14):
        text = [
            f"Someone leaked a {SPIKE_PHRASE} of it, link going around",
            f"A {SPIKE_PHRASE} is out there already? Not cool",
            f"Saw the {SPIKE_PHRASE} link on a forum, I will wait for the cinema",
        ][i % 3]
        rows.append(
            enriched_post(
                1000 + i, film=film, published=_at(SPIKE_DAY.toordinal(), i),
                label=("neg", "neu")[i % 2], text=text, intents=["piracy"],
                country="FR" if i % 2 else None, author=f"leakwatch{i}",
                source=("mastodon", "bluesky")[i % 2],
            )
        )  # fmt: skip
    return rows


def _quiet_day(film: str, start: int, ordinal: int) -> list[dict[str, Any]]:
    rows = []
    for k in range(1 + ordinal % 2):
        text, intents, country, lang = _EVERYDAY[(ordinal + k) % len(_EVERYDAY)]
        rows.append(
            enriched_post(
                start + k + 1, film=film, published=_at(ordinal, k), label=("pos", "neu")[k],
                text=text, intents=intents, country=country, lang=lang, detected_lang=lang,
                aspects=[{"aspect": "acting", "label": "pos", "score": 0.5}] if "acting" in text else [],
                author=f"regular{(ordinal + k) % 9}",
            )
        )  # fmt: skip
    return rows


def _at(ordinal: int, minute: int) -> datetime:
    return datetime.combine(date.fromordinal(ordinal), datetime.min.time(), UTC).replace(
        hour=15, minute=minute
    )
