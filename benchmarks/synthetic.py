"""Synthetic enriched posts at scale (vectorised), shaped like real buzz: many films, years, sources."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from pipeline.records import POST_SCHEMA

SOURCES = np.array(["mastodon", "letterboxd", "feeds", "reddit", "bluesky", "youtube"])
LANGS = np.array(["en", "fr", "pt", "es", "de", "ja"])
COUNTRIES = np.array(["US", "CA", "FR", "BR", "MX", "GB", "DE", "JP", "AR", "ES"])
LABELS = np.array(["pos", "neg", "neu"])
INTENTS = ["want_to_see", "where_to_watch", "piracy", "watched", "recommend"]
ASPECTS = ["acting", "story", "direction", "visuals", "sound", "pacing", "ending", "tone"]
WORDS = np.array(
    [
        "great",
        "film",
        "slow",
        "ending",
        "cast",
        "score",
        "torrent",
        "where",
        "watch",
        "premiere",
        "festival",
        "trailer",
        "love",
        "boring",
    ]
)
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 2 * 365 * 24 * 3600


def films(count: int) -> list[str]:
    return [f"film-{i:03d}" for i in range(count)]


def posts(n: int, film_count: int = 50, seed: int = 7) -> pa.Table:
    """`n` posts over two years about `film_count` films (a few about two films at once)."""
    rng = np.random.default_rng(seed)
    slugs = np.array(films(film_count))
    popularity = rng.zipf(1.6, film_count).astype(float)
    first = rng.choice(film_count, n, p=popularity / popularity.sum())
    second = rng.choice(film_count, n)
    both = rng.random(n) < 0.03
    seconds = rng.integers(0, SPAN_SECONDS, n)
    published = (
        np.datetime64(START.replace(tzinfo=None), "us") + seconds.astype("timedelta64[s]")
    ).astype("datetime64[us]")
    ids = np.char.add("p", np.arange(n).astype(str))
    about = [
        [slugs[a], slugs[b]] if t and a != b else [slugs[a]]
        for a, b, t in zip(first, second, both, strict=True)
    ]
    label = LABELS[rng.choice(3, n, p=[0.55, 0.25, 0.2])]
    drawn = COUNTRIES[rng.integers(0, len(COUNTRIES), n)]
    country = [c if stated else None for c, stated in zip(drawn, rng.random(n) < 0.4, strict=True)]
    intent_draw = rng.random((n, len(INTENTS))) < [0.15, 0.1, 0.05, 0.3, 0.05]
    aspect_draw = rng.random((n, len(ASPECTS))) < 0.08
    text = [" ".join(WORDS[rng.integers(0, len(WORDS), 12)]) for _ in range(n)]
    likes = rng.zipf(2.0, n)
    columns = {
        "id": ids,
        "source": SOURCES[rng.integers(0, len(SOURCES), n)],
        "source_id": ids,
        "url": np.char.add("https://example.org/p/", ids),
        "author": np.char.add("user", rng.integers(0, n // 5 + 1, n).astype(str)),
        "author_key": None,
        "title": None,
        "text": text,
        "lang": LANGS[rng.integers(0, len(LANGS), n)],
        "published_at": pa.array(published, pa.timestamp("us", tz="UTC")),
        "collected_at": pa.array(published, pa.timestamp("us", tz="UTC")),
        "likes": likes,
        "reposts": likes // 3,
        "replies": rng.integers(0, 5, n),
        "score": None,
        "views": None,
        "rating": None,
        "parent_id": None,
        "films": [[a[0]] for a in about],
        "query": None,
        "extras": "{}",
        "detected_lang": LANGS[rng.integers(0, len(LANGS), n)],
        "mentions": [[] for _ in range(n)],
        "about": about,
        "sentiment_label": label,
        "sentiment_score": np.where(
            label == "pos", 0.6, np.where(label == "neg", -0.6, 0.0)
        ).astype("float32"),
        "aspects": [
            [{"aspect": ASPECTS[j], "label": "pos", "score": 0.5} for j in np.flatnonzero(row)]
            for row in aspect_draw
        ],
        "intents": [[INTENTS[j] for j in np.flatnonzero(row)] for row in intent_draw],
        "country": country,
        "places": [[c] if c else [] for c in country],
        "enriched_at": pa.array(published, pa.timestamp("us", tz="UTC")),
        "text_truncated": None,
    }
    arrays = []
    for field in POST_SCHEMA:
        value = columns[field.name]
        if value is None or isinstance(value, str):
            arrays.append(pa.array([value] * n, field.type))
        elif isinstance(value, pa.Array):
            arrays.append(value)
        else:
            arrays.append(pa.array(value, field.type))
    return pa.Table.from_arrays(arrays, schema=POST_SCHEMA)
