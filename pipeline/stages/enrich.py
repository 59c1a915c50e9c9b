"""Stage `enrich`: raw posts the lake has not enriched yet -> the NLP -> lake/posts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice, tee
from typing import Any

import pyarrow as pa

from nlp.pipeline import Analysis, Analyzer, PostInput
from pipeline import quarantine
from pipeline.config import Film
from pipeline.lake import Lake
from pipeline.quarantine import Quarantined
from pipeline.records import POST_SCHEMA

Progress = Callable[[int], None]
# Below this many pending posts, starting worker processes (each loads the language detector
# and the models, ~2 s) costs more than the second core saves.
PARALLEL_FROM = 20_000
MAX_WORKERS = 4


def post_input(row: dict[str, Any]) -> PostInput:
    return PostInput(
        text=row["text"],
        lang=row["lang"],
        source=row["source"],
        films=list(row["films"] or []),
        rating=row["rating"],
        title=row["title"],
        author_location=author_location(row.get("extras")),
    )


def author_location(extras: str | None) -> str | None:
    """Where the source says the author is (X's profile location), from the post's extras."""
    if not extras or "author_location" not in extras:
        return None
    value = json.loads(extras).get("author_location")
    return value if isinstance(value, str) and value.strip() else None


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
        "places": analysis.places,
        "text_truncated": analysis.truncated,
    }


def workers_for(pending: int) -> int:
    """Worker processes worth starting for `pending` posts: one per core for big backlogs."""
    return min(os.cpu_count() or 1, MAX_WORKERS) if pending >= PARALLEL_FROM else 1


def enrich_lake(lake: Lake, films: Iterable[Film], progress: Progress | None = None) -> int:
    """`enrich` with an analyzer for `films`, on every core when the backlog is big."""
    pending = max(lake.count("raw") - lake.count("posts"), 0)
    return enrich(lake, Analyzer(films, n_process=workers_for(pending)), progress=progress)


def enrich(
    lake: Lake, analyzer: Analyzer, batch_size: int = 2000, progress: Progress | None = None
) -> int:
    """Enrich every raw post not yet in lake/posts; returns how many were enriched.

    All pending posts stream through one `analyzer.analyze` call (so worker processes start
    once) and each `batch_size` of results is written as soon as it is done: a killed run
    keeps its finished batches and the next run continues with the rest. A post the NLP
    cannot analyse is set aside in lake/quarantine (and not tried again); the others go on.
    """
    done = lake.ids("posts")
    skip = done | quarantine.record_ids(lake, "enrich")
    rows, inputs = tee(_pending(lake, skip, batch_size))
    analysed = zip(rows, analyzer.analyze(post_input(r) for r in inputs), strict=True)
    written = 0
    while chunk := list(islice(analysed, batch_size)):
        now = datetime.now(UTC)
        enriched = [enriched_row(r, a, now) for r, a in chunk if a.failed is None]
        failed = [Quarantined.of_row(r, "enrich", f"nlp: {a.failed}") for r, a in chunk if a.failed]
        quarantine.write(lake, failed)
        written += lake.append("posts", pa.Table.from_pylist(enriched, schema=POST_SCHEMA), done)
        if progress:
            progress(len(chunk))
    return written


def _pending(lake: Lake, skip: set[str], batch_size: int) -> Iterator[dict[str, Any]]:
    for batch in lake.batches("raw", batch_size):
        yield from (r for r in batch.to_pylist() if r["id"] not in skip)
