"""The records (Post, Signal) and their Arrow schemas: defined once, used by lake, stores and exports."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

ENGAGEMENT = ("likes", "reposts", "replies", "score", "views")
SENTIMENT_LABELS = ("pos", "neg", "neu")


def stable_id(*parts: str) -> str:
    """A short, stable id from the parts (e.g. source and source id)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def author_key(source: str, handle: str | None) -> str | None:
    """Pseudonymous author key: counts distinct authors without keeping who they are."""
    return None if not handle else stable_id("author", source, handle.casefold())[:16]


@dataclass(slots=True)
class Post:
    """One review, post, comment or article as collected (before enrichment)."""

    source: str
    source_id: str
    url: str
    text: str
    published_at: datetime
    films: list[str]
    author: str | None = None
    title: str | None = None
    lang: str | None = None
    query: str | None = None
    rating: float | None = None
    parent_id: str | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    score: int | None = None
    views: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    collected_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def id(self) -> str:
        return stable_id(self.source, self.source_id)

    def to_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["id"] = self.id
        row["author_key"] = author_key(self.source, self.author)
        row["extras"] = json.dumps(self.extras, ensure_ascii=False, sort_keys=True)
        return row


@dataclass(slots=True)
class Signal:
    """A daily number for a film from a source (pageviews, watchers, trailer views…)."""

    film: str
    source: str
    metric: str
    day: date
    value: float
    key: str = ""
    collected_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def id(self) -> str:
        return stable_id(self.film, self.source, self.metric, self.key, self.day.isoformat())

    def to_row(self) -> dict[str, Any]:
        return {**asdict(self), "id": self.id}


_TS = pa.timestamp("us", tz="UTC")

RAW_POST_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("author", pa.string()),
        pa.field("author_key", pa.string()),
        pa.field("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("published_at", _TS, nullable=False),
        pa.field("collected_at", _TS, nullable=False),
        *(pa.field(name, pa.int64()) for name in ENGAGEMENT),
        pa.field("rating", pa.float64()),
        pa.field("parent_id", pa.string()),
        pa.field("films", pa.list_(pa.string()), nullable=False),
        pa.field("query", pa.string()),
        pa.field("extras", pa.string()),
    ]
)

MENTION_TYPE = pa.struct(
    [
        ("film", pa.string()),
        ("text", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("kind", pa.string()),
        ("confidence", pa.float32()),
    ]
)
ASPECT_TYPE = pa.struct([("aspect", pa.string()), ("label", pa.string()), ("score", pa.float32())])

ENRICHMENT_FIELDS = [
    pa.field("detected_lang", pa.string()),
    pa.field("mentions", pa.list_(MENTION_TYPE)),
    pa.field("about", pa.list_(pa.string()), nullable=False),
    pa.field("sentiment_label", pa.string(), nullable=False),
    pa.field("sentiment_score", pa.float32(), nullable=False),
    pa.field("aspects", pa.list_(ASPECT_TYPE)),
    pa.field("intents", pa.list_(pa.string())),
    pa.field("country", pa.string()),
    pa.field("enriched_at", _TS, nullable=False),
    pa.field("places", pa.list_(pa.string())),
    pa.field("text_truncated", pa.bool_()),  # the NLP read only the beginning (nlp.bounds)
]

POST_SCHEMA = pa.schema([*RAW_POST_SCHEMA, *ENRICHMENT_FIELDS])

SIGNAL_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("film", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("metric", pa.string(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        pa.field("day", pa.date32(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("collected_at", _TS, nullable=False),
    ]
)


# A record a stage could not take as it came (DESIGN.md §2): the stage, why, when, what was
# done ("set aside": it went no further; "repaired": a fixed copy went on), and the record as
# it came, as ASCII JSON (so even a lone surrogate is kept, escaped).
QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),  # stable_id(stage, record_id)
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("action", pa.string(), nullable=False),
        pa.field("quarantined_at", _TS, nullable=False),
        pa.field("record", pa.string(), nullable=False),
    ]
)


def posts_table(posts: list[Post]) -> pa.Table:
    return pa.Table.from_pylist([p.to_row() for p in posts], schema=RAW_POST_SCHEMA)


def signals_table(signals: list[Signal]) -> pa.Table:
    return pa.Table.from_pylist([s.to_row() for s in signals], schema=SIGNAL_SCHEMA)
