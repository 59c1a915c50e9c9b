"""The NLP's quality targets, each checked against what `filmbuzz eval` measured.

Speed and memory targets are measured by `benchmarks/nlp.py`, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.eval.corpora import CorpusScore
from nlp.eval.labelled import Scores

REAL_REVIEWS = ("film_real_en", "film_real_fr", "film_real_es")
NEU_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Check:
    target: str
    measured: str
    met: bool


def _at_least(target: str, value: float, floor: float) -> Check:
    return Check(target, f"{value:.3f}", value >= floor)


def corpus_checks(scores: Sequence[CorpusScore]) -> list[Check]:
    found = {s.corpus: s for s in scores}
    checks: list[Check] = []
    if en := found.get("film_real_en"):
        checks.append(
            Check(
                "Letterboxd real val: macro-F1 >= 0.60 with accuracy >= 0.80",
                f"{en.macro_f1:.3f} / {en.accuracy:.3f}",
                en.macro_f1 >= 0.60 and en.accuracy >= 0.80,
            )
        )
    wanted = [
        ("film_real_fr", "Allocine real val: accuracy >= 0.85", 0.85),
        ("film_real_es", "Spanish real val: accuracy >= 0.65", 0.65),
        ("imdb_en", "IMDB test: accuracy >= 0.90", 0.90),
        ("pt_train", "Portuguese test: accuracy >= 0.70", 0.70),
    ]
    for corpus, target, floor in wanted:
        if s := found.get(corpus):
            checks.append(_at_least(target, s.accuracy, floor))
    if tweets := found.get("tweets_en"):
        checks.append(_at_least("SemEval-2017 test: macro-F1 >= 0.65", tweets.macro_f1, 0.65))
    for corpus in REAL_REVIEWS:
        if s := found.get(corpus):
            checks.append(
                Check(
                    f"{corpus} val: share of neu within 5 points of its true share",
                    f"{s.neu_found:.2f} vs {s.neu_true:.2f}",
                    abs(s.neu_found - s.neu_true) <= NEU_MARGIN,
                )
            )
    return checks


def dev_checks(dev: Scores) -> list[Check]:
    accuracy = dev.sentiment["all"][0] if "all" in dev.sentiment else 0.0
    checks = [
        _at_least("dev set sentiment: accuracy >= 0.85", accuracy, 0.85),
        _at_least("dev set mentions: F1 >= 0.95", dev.mentions.f1, 0.95),
    ]
    checks += [
        _at_least(f"dev set intent {name}: F1 >= 0.85", prf.f1, 0.85)
        for name, prf in dev.intents.items()
    ]
    if dev.territory is not None:
        checks.append(
            _at_least("dev set audience territory: precision >= 0.90", dev.territory.precision, 0.9)
        )
    return checks


def targets_table(checks: Sequence[Check]) -> list[str]:
    width = max((len(c.target) for c in checks), default=0)
    lines = ["Targets (speed and memory: python -m benchmarks.nlp)"]
    lines += [
        f"  {c.target:<{width}}  {c.measured:>13}  {'met' if c.met else 'NOT MET'}" for c in checks
    ]
    return lines
