"""Classification metrics without dependencies: accuracy, per-class and macro F1, P/R/F1 of sets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float
    support: int


def prf(true_positive: int, predicted: int, actual: int) -> PRF:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, actual)


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0


def per_class(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, PRF]:
    labels = sorted(set(gold))
    return {
        label: prf(
            sum(g == p == label for g, p in zip(gold, predicted, strict=True)),
            sum(p == label for p in predicted),
            sum(g == label for g in gold),
        )
        for label in labels
    }


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the classes present in `gold`."""
    scores = per_class(gold, predicted)
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def set_prf(gold: Sequence[set[str]], predicted: Sequence[set[str]], item: str) -> PRF:
    """Precision/recall/F1 of one item (an intent) over posts, each with a set of items."""
    pairs = list(zip(gold, predicted, strict=True))
    return prf(
        sum(item in g and item in p for g, p in pairs),
        sum(item in p for _, p in pairs),
        sum(item in g for g, _ in pairs),
    )


def micro_prf(gold: Sequence[set[str]], predicted: Sequence[set[str]]) -> PRF:
    """Precision/recall/F1 over all (post, item) pairs, e.g. (post, film) for mentions."""
    pairs = list(zip(gold, predicted, strict=True))
    return prf(
        sum(len(g & p) for g, p in pairs),
        sum(len(p) for _, p in pairs),
        sum(len(g) for g, _ in pairs),
    )
