"""Stage `enrich`: raw posts the lake has not enriched yet -> the NLP -> lake/posts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from nlp.pipeline import Analysis, Analyzer, PostInput
from pipeline.lake import Lake
from pipeline.records import POST_SCHEMA

Progress = Callable[[int], None]


def post_input(row: dict[str, Any]) -> PostInput:
    return PostInput(
        text=row["text"],
        lang=row["lang"],
        source=row["source"],
        films=list(row["films"] or []),
        rating=row["rating"],
        title=row["title"],
    )


def enriched_row(row: dict[str, Any], analysis: Analysis, now: datetime) -> dict[str, Any]:
    return {
        **row,
        "detected_lang": analysis.lang,
        "mentions": analysis.mentions,
        "about": analysis.about,
        "sentiment_label": analysis.sentiment_label,
        "sentiment_score": analysis.sentiment_score,
        "aspects": analysis.aspects,
        "intents": analysis.intents,
        "country": analysis.country,
        "enriched_at": now,
    }


def enrich(
    lake: Lake, analyzer: Analyzer, batch_size: int = 2000, progress: Progress | None = None
) -> int:
    """Enrich every raw post not yet in lake/posts; returns how many were enriched.

    Each batch is written as soon as it is done, so a killed run keeps its finished batches
    and the next run continues with the rest.
    """
    done = lake.ids("posts")
    written = 0
    for batch in lake.batches("raw", batch_size):
        rows = [r for r in batch.to_pylist() if r["id"] not in done]
        if not rows:
            continue
        now = datetime.now(UTC)
        analyses = analyzer.analyze(post_input(r) for r in rows)
        enriched = [enriched_row(r, a, now) for r, a in zip(rows, analyses, strict=True)]
        written += lake.append("posts", pa.Table.from_pylist(enriched, schema=POST_SCHEMA), done)
        if progress:
            progress(len(rows))
    return written
