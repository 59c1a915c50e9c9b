"""Labelled film posts (our dev set, the held-out set, the replay snapshot) run through the
analyzer and scored.

A line: `{"id", "lang", "text", "films": [slugs], "sentiment"?: "pos|neg|neu", "intents": [...],
"country"?: "BR" (the audience's country), "source"?: "letterboxd", "context"?: [slugs the
crawl was looking for], "rating"?: 0-5}`. `films` are the tracked films the post is about.
The held-out set (`nlp/eval/heldout/`) was written blind, without the lexicons in view, and
has no sentiment labels.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from nlp.components.cues import INTENTS
from nlp.components.mentions import FILM_PAGE_SOURCES
from nlp.errors import DataError
from nlp.pipeline import Analysis, Analyzer, PostInput
from nlp.training.metrics import PRF, accuracy, macro_f1, micro_prf, prf, set_prf
from pipeline.config import Film

DEV_DIR = Path(str(files("nlp.eval") / "dev"))
HELDOUT_DIR = Path(str(files("nlp.eval") / "heldout"))


@dataclass(frozen=True, slots=True)
class Labelled:
    post: PostInput
    lang: str
    films: frozenset[str]
    sentiment: str | None
    intents: frozenset[str]
    country: str | None = None


@dataclass
class Scores:
    """What `filmbuzz eval` prints for one labelled set."""

    posts: int
    sentiment: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    intents: dict[str, PRF] = field(default_factory=dict)
    mentions: PRF = field(default_factory=lambda: PRF(0.0, 0.0, 0.0, 0))
    territory: PRF | None = None  # audience country: right country among posts given one


def dev_films(folder: Path = DEV_DIR) -> list[Film]:
    data = tomllib.loads((folder / "films.toml").read_text(encoding="utf-8"))
    return [Film(**film) for film in data["films"]]


def read_dev(folder: Path = DEV_DIR) -> list[Labelled]:
    """Every labelled post in the folder's `*.jsonl` files."""
    found = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                found.append(_dev_line(path, number, line))
    return found


def _dev_line(path: Path, number: int, line: str) -> Labelled:
    try:
        row = json.loads(line)
        post = PostInput(
            text=row["text"],
            lang=row["lang"],
            source=row.get("source"),
            films=list(row.get("context", [])),
            rating=row.get("rating"),
        )
        return Labelled(
            post,
            row["lang"],
            frozenset(row["films"]),
            row.get("sentiment"),
            frozenset(row["intents"]),
            row.get("country"),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}, line {number}: not a labelled post ({exc!r})") from None


def read_snapshot(path: Path) -> list[Labelled]:
    """The replay snapshot's labelled posts; the crawl's film is context on film pages only."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels = row.get("labels")
        if not labels:
            continue
        film = labels.get("film")
        context = [film] if film and row["source"] in FILM_PAGE_SOURCES else []
        post = PostInput(row["text"], row["lang"], row["source"], context, row.get("rating"))
        gold = frozenset([film]) if film else frozenset()
        found.append(
            Labelled(post, row["lang"], gold, labels["sentiment"], frozenset(labels["intents"]))
        )
    return found


def score(items: Sequence[Labelled], analyses: Sequence[Analysis]) -> Scores:
    result = Scores(posts=len(items))
    for lang in [*sorted({i.lang for i in items}), "all"]:
        pairs = [
            (i.sentiment, a.sentiment_label)
            for i, a in zip(items, analyses, strict=True)
            if lang in (i.lang, "all") and i.sentiment is not None
        ]
        if pairs:
            gold, predicted = [g for g, _ in pairs], [p for _, p in pairs]
            result.sentiment[lang] = (
                accuracy(gold, predicted),
                macro_f1(gold, predicted),
                len(pairs),
            )
    gold_intents = [set(i.intents) for i in items]
    found_intents = [set(a.intents) for a in analyses]
    result.intents = {n: set_prf(gold_intents, found_intents, n) for n in INTENTS}
    result.mentions = micro_prf([set(i.films) for i in items], [set(a.about) for a in analyses])
    if any(i.country for i in items):
        placed = [(i.country, a.country) for i, a in zip(items, analyses, strict=True)]
        result.territory = prf(
            sum(1 for g, p in placed if p and p == g),
            sum(1 for _, p in placed if p),
            sum(1 for g, _ in placed if g),
        )
    return result


def evaluate(items: Sequence[Labelled], films: Iterable[Film]) -> tuple[Scores, list[Analysis]]:
    analyses = list(Analyzer(films).analyze(i.post for i in items))
    return score(items, analyses), analyses


def errors(items: Sequence[Labelled], analyses: Sequence[Analysis]) -> list[dict[str, Any]]:
    """Posts where any prediction differs from the label, for tuning and error analysis."""
    found = []
    for item, analysis in zip(items, analyses, strict=True):
        wrong = {
            "sentiment": (item.sentiment or analysis.sentiment_label, analysis.sentiment_label),
            "country": (item.country, analysis.country),
            "films": (sorted(item.films), analysis.about),
            "intents": (sorted(item.intents), sorted(analysis.intents)),
        }
        differs = {k: v for k, v in wrong.items() if v[0] != v[1]}
        if differs:
            found.append({"text": item.post.text, **differs})
    return found
