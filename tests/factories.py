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
