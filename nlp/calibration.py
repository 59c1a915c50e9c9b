"""The last step of post sentiment: the readers' probabilities, the kind of text, the intents.

Inputs per post: the linear model's probabilities (always), the contextual reader's (for the
posts the linear model is unsure of), the kind of text and the intents. Output: the label.

- **Blend**: log P = (1 - w) log P_linear + w log P_contextual where the reader has read
  the post; the linear model alone elsewhere.
- **Kind of text**: a review on a review site is almost never neutral and usually positive;
  a social post is often neutral; a news headline usually is. Each kind gets its own offsets
  to the neutral and positive log-probabilities, fitted on real text of that kind.
- **Intents**: wanting to see a film or recommending it leans positive; asking where to
  watch, piracy talk and questions lean neutral; having watched leans towards an opinion.

Everything is fitted by coordinate search on a grid, for macro-F1 of each kind's
calibration texts (never a split `filmbuzz eval` reports), with a penalty when the share of
`neu` answers strays more than `NEU_TOLERANCE` from the true share.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from nlp.errors import ModelError
from nlp.model import MODEL_DIR

CALIBRATION_FILE = "sentiment-calibration.json"
LABELS = ("neg", "neu", "pos")
KINDS = ("review", "social", "news")
SOURCE_KINDS = {"letterboxd": "review", "feeds": "news"}  # every other source: social posts
POLARITY_INTENTS = ("want_to_see", "recommend")
NEUTRAL_INTENTS = ("question", "want_to_see", "where_to_watch", "piracy", "watched", "recommend")
NEU_TOLERANCE = 0.04
GRID = tuple(x / 4 for x in range(-12, 13))  # -3 .. 3


def kind_of_source(source: str | None) -> str:
    return SOURCE_KINDS.get(source or "", "social")


@dataclass(frozen=True, slots=True)
class Signals:
    """What the calibrator reads of one post (or clause)."""

    linear: tuple[float, float, float]  # log P(neg, neu, pos) of the linear model
    contextual: tuple[float, float, float] | None  # the reader's, where it read the post
    kind: str
    intents: frozenset[str]  # with "question" when the text asks one


@dataclass
class Calibrator:
    weight: float = 0.0  # of the contextual reader in the blend
    route: float = 0.0  # the reader reads the posts whose top linear probability is below this
    kinds: dict[str, list[float]] = field(default_factory=lambda: {k: [0.0, 0.0] for k in KINDS})
    polarity: dict[str, float] = field(default_factory=lambda: dict.fromkeys(POLARITY_INTENTS, 0.0))
    neutral: dict[str, float] = field(default_factory=lambda: dict.fromkeys(NEUTRAL_INTENTS, 0.0))

    def logits(self, s: Signals) -> list[float]:
        base = list(s.linear)
        if s.contextual is not None and self.weight:
            w = self.weight
            base = [(1 - w) * a + w * b for a, b in zip(base, s.contextual, strict=True)]
        neu_offset, pos_offset = self.kinds.get(s.kind, (0.0, 0.0))
        pos_offset += sum(v for k, v in self.polarity.items() if k in s.intents)
        neu_offset += sum(v for k, v in self.neutral.items() if k in s.intents)
        return [base[0], base[1] + neu_offset, base[2] + pos_offset]

    def probabilities(self, s: Signals) -> dict[str, float]:
        z = self.logits(s)
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {label: v / total for label, v in zip(LABELS, e, strict=True)}

    def label(self, s: Signals) -> str:
        z = self.logits(s)
        return LABELS[max(range(3), key=z.__getitem__)]

    def save(self, path: Path) -> None:
        data = {
            "route": self.route,
            "weight": self.weight,
            "kinds": self.kinds,
            "polarity": self.polarity,
            "neutral": self.neutral,
        }
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibrator:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found = cls(
                float(data["weight"]),
                float(data["route"]),
                data["kinds"],
                data["polarity"],
                data["neutral"],
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: cannot read the calibration ({exc!r})") from None
        if set(found.kinds) != set(KINDS) or set(found.neutral) != set(NEUTRAL_INTENTS):
            raise ModelError(f"{path}: made for other features; run `filmbuzz train-sentiment`")
        return found


@cache
def load_calibrator(folder: Path = MODEL_DIR) -> Calibrator | None:
    path = folder / CALIBRATION_FILE
    return Calibrator.load(path) if path.exists() else None


@dataclass(frozen=True)
class Group:
    """Calibration texts of one kind and source: each group counts once in the objective."""

    name: str
    signals: Sequence[Signals]
    labels: Sequence[str]


def quality(calibrator: Calibrator, groups: Sequence[Group]) -> float:
    from nlp.training.metrics import macro_f1

    total = 0.0
    for group in groups:
        found = [calibrator.label(s) for s in group.signals]
        true_share = group.labels.count("neu") / len(group.labels)
        drift = abs(found.count("neu") / len(found) - true_share)
        total += macro_f1(group.labels, found) - 2.0 * max(0.0, drift - NEU_TOLERANCE)
    return total / len(groups)


def fit_calibrator(groups: Sequence[Group], contextual: bool) -> Calibrator:
    """For each blend weight (0 without a contextual reader), the kinds' and the intents'
    offsets by coordinate search (three rounds; ties go to the smaller change); the best."""
    fitted = [_fit_offsets(groups, weight) for weight in (WEIGHTS if contextual else (0.0,))]
    return max(fitted, key=lambda c: round(quality(c, groups), 4))


WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _fit_offsets(groups: Sequence[Group], weight: float) -> Calibrator:
    calibrator = Calibrator(weight=weight)
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
                scores.append((round(quality(calibrator, groups), 4), -abs(value), value))
            holder[key] = max(scores)[2]  # type: ignore[index]
    return calibrator
