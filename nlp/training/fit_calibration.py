"""The search behind the calibration layer (`nlp.calibration`), on NumPy arrays.

The kinds' offsets (neutral, positive) and the intents' offsets are chosen on a grid by
coordinate search (three rounds; ties go to the smaller change). The score is the mean over groups
(each corpus and kind of text counts once, whatever its size) of macro-F1, less a penalty when
the share of `neu` answers strays more than `NEU_TOLERANCE` from the group's true share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.calibration import (
    KINDS,
    LABELS,
    NEUTRAL_INTENTS,
    POLARITY_INTENTS,
    Calibrator,
    Signals,
)

NEU_TOLERANCE = 0.04
GRID = tuple(x / 4 for x in range(-12, 13))  # -3 .. 3


@dataclass(frozen=True)
class Group:
    """Calibration texts of one corpus and kind: each group counts once in the objective."""

    name: str
    signals: Sequence[Signals]
    labels: Sequence[str]


@dataclass
class _Arrays:
    linear: np.ndarray  # (n, 3) log-probabilities
    kind: np.ndarray  # (n, 3) one-hot over KINDS
    polarity: np.ndarray  # (n, len(POLARITY_INTENTS))
    neutral: np.ndarray  # (n, len(NEUTRAL_INTENTS))
    gold: np.ndarray  # (n,) index into LABELS
    true_neu: float

    @classmethod
    def of(cls, group: Group) -> _Arrays:
        s = group.signals
        linear = np.array([x.linear for x in s])
        gold = np.array([LABELS.index(label) for label in group.labels])
        return cls(
            linear,
            np.array([[x.kind == k for k in KINDS] for x in s], dtype=float),
            np.array([[i in x.intents for i in POLARITY_INTENTS] for x in s], dtype=float),
            np.array([[i in x.intents for i in NEUTRAL_INTENTS] for x in s], dtype=float),
            gold,
            float((gold == 1).mean()),
        )

    def labels(self, c: Calibrator) -> np.ndarray:
        kinds = np.array([c.kinds[k] for k in KINDS])  # (3 kinds, [neu, pos])
        offsets = self.kind @ kinds
        neu = offsets[:, 0] + self.neutral @ np.array([c.neutral[k] for k in NEUTRAL_INTENTS])
        pos = offsets[:, 1] + self.polarity @ np.array([c.polarity[k] for k in POLARITY_INTENTS])
        return np.argmax(self.linear + np.stack([np.zeros_like(neu), neu, pos], axis=1), axis=1)

    def score(self, c: Calibrator) -> float:
        found = self.labels(c)
        f1s = []
        for label in np.unique(self.gold):
            tp = float(((found == label) & (self.gold == label)).sum())
            predicted, actual = float((found == label).sum()), float((self.gold == label).sum())
            f1s.append(2 * tp / (predicted + actual) if predicted + actual else 0.0)
        drift = abs(float((found == 1).mean()) - self.true_neu)
        return float(np.mean(f1s)) - 2.0 * max(0.0, drift - NEU_TOLERANCE)


def quality(calibrator: Calibrator, groups: Sequence[_Arrays]) -> float:
    return sum(g.score(calibrator) for g in groups) / len(groups)


def fit_calibrator(groups: Sequence[Group]) -> Calibrator:
    arrays = [_Arrays.of(g) for g in groups if g.signals]
    calibrator = Calibrator()
    slots: list[tuple[dict[str, float] | list[float], str | int]] = []
    for kind in KINDS:
        slots += [(calibrator.kinds[kind], 0), (calibrator.kinds[kind], 1)]
    slots += [(calibrator.polarity, k) for k in POLARITY_INTENTS]
    slots += [(calibrator.neutral, k) for k in NEUTRAL_INTENTS]
    for _ in range(3):
        for holder, key in slots:
            scores = []
            for value in GRID:
                holder[key] = value  # type: ignore[index]
                scores.append((round(quality(calibrator, arrays), 4), -abs(value), value))
            holder[key] = max(scores)[2]  # type: ignore[index]
    return calibrator
