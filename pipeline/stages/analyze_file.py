"""`filmbuzz analyze`: JSON Lines in, one analysis per line out (a stable interface for other tools).

Each line is checked against `InputLine` with strict types (a string is not a list of films, a
boolean is not a rating); text that no UTF-8 writer can store (a lone surrogate) is repaired.
A UTF-8 byte order mark at the start of the file is accepted. A post the NLP cannot analyse
gets `{"id": …, "error": …}` and the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import tee
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nlp.pipeline import Analysis, Analyzer, PostInput
from pipeline.errors import InputError
from pipeline.outfile import atomic_target
from pipeline.safetext import safe_value, unsafe_code_points

BOM = b"\xef\xbb\xbf"


class InputLine(BaseModel):
    """One input line: `id` and `text`, optional context; other fields are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")

    id: str = Field(min_length=1)
    text: str
    lang: str | None = None
    source: str | None = None
    films: list[str] = []
    rating: float | None = Field(default=None, ge=0, le=5)


@dataclass(frozen=True)
class AnalyzeResult:
    lines: int
    failed: list[str]  # one line per post the NLP could not analyse


def read_inputs(path: Path) -> Iterator[tuple[str, PostInput]]:
    """Yield (id, input) per line; a bad line stops with its file and line number."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the input file ({exc.strerror})") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            data = raw.removeprefix(BOM) if number == 1 else raw
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}, line {number}: not UTF-8 (byte {exc.start + 1}); save the file as UTF-8"
                ) from None
            if line.strip():
                yield _parse_line(path, number, line)


def _parse_line(path: Path, number: int, line: str) -> tuple[str, PostInput]:
    where = f"{path}, line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    if isinstance(record.get("id"), str) and unsafe_code_points(record["id"]):
        raise InputError(f"{where}: field 'id' holds an invalid character (a lone surrogate?)")
    try:
        post = InputLine.model_validate(
            {key: value if key == "id" else safe_value(value) for key, value in record.items()}
        )
    except ValidationError as exc:
        raise InputError(f"{where}: {_describe(exc)}") from None
    return post.id, PostInput(
        text=post.text, lang=post.lang, source=post.source, films=post.films, rating=post.rating
    )


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = ".".join(str(part) for part in error["loc"]) or "(line)"
    if error["type"] == "missing":
        return f"field {name!r} is missing"
    shown = json.dumps(error.get("input"), ensure_ascii=True, default=str)[:60]
    return f"field {name!r}: {error['msg'].lower()} (got {shown})"


def output_record(post_id: str, analysis: Analysis) -> dict[str, Any]:
    if analysis.failed:
        return {"id": post_id, "error": analysis.failed}
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
        "truncated": analysis.truncated,
    }


# Line breaks to Python's str.splitlines and to many JSON Lines readers, legal raw in JSON strings.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(record: dict[str, Any]) -> str:
    """One JSON Lines line, UTF-8 text kept, with no character that a reader may split on."""
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS) + "\n"


def analyze_file(analyzer: Analyzer, source: Path, target: Path) -> AnalyzeResult:
    """Analyse `source` into `target` (written atomically), all lines through one `analyze`
    call, so worker processes start once."""
    lines = 0
    failed: list[str] = []
    with atomic_target(target, "--output") as tmp, tmp.open("w", encoding="utf-8") as out:
        ids, inputs = tee(read_inputs(source))
        analyses = analyzer.analyze(post for _, post in inputs)
        for (post_id, _), analysis in zip(ids, analyses, strict=True):
            out.write(json_line(output_record(post_id, analysis)))
            lines += 1
            if analysis.failed:
                failed.append(f"{source}: id {post_id}: the NLP failed ({analysis.failed})")
    return AnalyzeResult(lines, failed)
