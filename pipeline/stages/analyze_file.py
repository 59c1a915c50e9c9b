"""`filmbuzz analyze`: JSON Lines in, one analysis per line out (a stable interface for other tools)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from nlp.pipeline import Analysis, Analyzer, PostInput
from pipeline.errors import InputError

CHUNK = 5000


def read_inputs(path: Path) -> Iterator[tuple[str, PostInput]]:
    """Yield (id, input) per line; a bad line stops with its file and line number."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the input file ({exc.strerror})") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield _parse_line(path, number, line)


def _parse_line(path: Path, number: int, line: str) -> tuple[str, PostInput]:
    where = f"{path}, line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    for name in ("id", "text"):
        if not isinstance(record.get(name), str) or (name == "id" and not record[name]):
            raise InputError(f"{where}: field {name!r} is missing or not a string")
    films = record.get("films") or []
    rating = record.get("rating")
    if rating is not None and (not isinstance(rating, int | float) or not 0 <= rating <= 5):
        raise InputError(f"{where}: field 'rating' must be a number of stars from 0 to 5")
    return record["id"], PostInput(
        text=record["text"],
        lang=record.get("lang"),
        source=record.get("source"),
        films=list(films),
        rating=rating,
    )


def output_record(post_id: str, analysis: Analysis) -> dict[str, Any]:
    return {
        "id": post_id,
        "lang": analysis.lang,
        "films": analysis.about,
        "sentiment": {"label": analysis.sentiment_label, "score": analysis.sentiment_score},
        "intents": analysis.intents,
        "aspects": [{"aspect": a["aspect"], "sentiment": a["label"]} for a in analysis.aspects],
        "mentions": [
            {k: m[k] for k in ("film", "text", "start", "end", "kind", "confidence")}
            for m in analysis.mentions
        ],
        "country": analysis.country,
        "places": analysis.places,
    }


def analyze_file(analyzer: Analyzer, source: Path, target: Path) -> int:
    """Analyse `source` into `target` (written atomically); returns the number of lines."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    lines = 0
    pairs = read_inputs(source)
    try:
        with tmp.open("w", encoding="utf-8") as out:
            while chunk := list(islice(pairs, CHUNK)):
                for (post_id, _), analysis in zip(
                    chunk, analyzer.analyze(p for _, p in chunk), strict=True
                ):
                    out.write(
                        json.dumps(output_record(post_id, analysis), ensure_ascii=False) + "\n"
                    )
                lines += len(chunk)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return lines
