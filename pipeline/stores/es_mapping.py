"""Explicit mappings for the Elasticsearch store and the documents written to it.

`keyword` for what is filtered or counted, `text` (with language sub-fields) for what is
searched; a `raw` keyword sub-field where both are needed. Posts go to monthly indices behind
an alias; signals and the list of indexed lake files each have one index.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

KEYWORD = {"type": "keyword"}
LONG = {"type": "long"}
FLOAT = {"type": "float"}
DATE = {"type": "date"}
RAW_LIMIT = 8191  # characters; Lucene's term limit is 32766 bytes

SEARCHABLE_TEXT = {
    "type": "text",
    "fields": {
        "raw": {"type": "keyword", "ignore_above": RAW_LIMIT},
        "en": {"type": "text", "analyzer": "english"},
        "fr": {"type": "text", "analyzer": "french"},
        "es": {"type": "text", "analyzer": "spanish"},
        "pt": {"type": "text", "analyzer": "portuguese"},
    },
}

POST_PROPERTIES: dict[str, Any] = {
    **{name: KEYWORD for name in ("id", "source", "source_id", "url", "author", "author_key")},
    "title": {"type": "text", "fields": {"raw": {"type": "keyword", "ignore_above": RAW_LIMIT}}},
    "text": SEARCHABLE_TEXT,
    **{name: KEYWORD for name in ("lang", "detected_lang", "language", "parent_id", "query")},
    **{name: DATE for name in ("published_at", "collected_at", "enriched_at")},
    **{name: LONG for name in ("likes", "reposts", "replies", "score", "views", "engagement")},
    "rating": FLOAT,
    "films": KEYWORD,
    "extras": {"type": "keyword", "index": False, "doc_values": False},
    "mentions": {
        "properties": {
            "film": KEYWORD,
            "text": KEYWORD,
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "kind": KEYWORD,
            "confidence": FLOAT,
        }
    },
    "about": KEYWORD,
    "sentiment_label": KEYWORD,
    "sentiment_score": FLOAT,
    "aspects": {
        "type": "nested",
        "properties": {"aspect": KEYWORD, "label": KEYWORD, "score": FLOAT},
    },
    "intents": KEYWORD,
    "country": KEYWORD,
    "places": KEYWORD,
    "text_truncated": {"type": "boolean"},
    # Derived by every store (pipeline.stores.words): search stems and the author's followers.
    "stems": KEYWORD,
    "followers": LONG,
}

# Post fields added after the first release, put on existing monthly indices by `setup()`.
ADDED_FIELDS = {name: POST_PROPERTIES[name] for name in ("text_truncated",)}

SIGNAL_PROPERTIES: dict[str, Any] = {
    **{name: KEYWORD for name in ("id", "film", "source", "metric", "key")},
    "day": {"type": "date", "format": "yyyy-MM-dd"},
    "value": {"type": "double"},
    "collected_at": DATE,
}

INDEXED_PROPERTIES: dict[str, Any] = {"name": KEYWORD}


class IndexNames:
    """Every index and alias name derives from the configured prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.posts = f"{prefix}-posts"  # the alias over the monthly indices
        self.posts_pattern = f"{prefix}-posts-*"
        self.signals = f"{prefix}-signals"
        self.indexed = f"{prefix}-indexed-files"
        self.template = f"{prefix}-posts"

    def month(self, published_at: datetime) -> str:
        return f"{self.prefix}-posts-{published_at:%Y.%m}"


def mappings(properties: dict[str, Any]) -> dict[str, Any]:
    return {"dynamic": "strict", "properties": properties}


def post_document(row: dict[str, Any], derived: dict[str, Any]) -> dict[str, Any]:
    """A lake post row as the document indexed, with the derived `language`, `engagement`
    and the columns of `pipeline.stores.words.derived_columns`."""
    document = {key: _json(value) for key, value in (row | derived).items()}
    document["language"] = row.get("detected_lang") or row.get("lang") or "und"
    document["engagement"] = sum(row.get(k) or 0 for k in ("likes", "reposts", "replies", "score"))
    return document


def signal_document(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _json(value) for key, value in row.items()}


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
