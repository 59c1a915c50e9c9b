"""The last step of post sentiment: the language model's two heads, nudged by film-post intents.

The language models are trained on reviews and tweets; film posts also say "can't wait", ask
where to watch, or talk piracy. This layer keeps the model's two logits as they are (weight 1)
and adds a learnt offset for each intent the post shows (and for a question mark):

- polarity (pos vs neg): wanting to see a film or recommending it leans positive;
- neutrality (neu vs an opinion): asking where to watch and piracy talk lean neutral,
  having watched or recommending lean towards an opinion.

The offsets are chosen on the replay snapshot's labelled posts (coordinate search on a grid,
for macro-F1); the dev set is never used, it stays for evaluation. A first version fitted
every weight freely (logistic regression) and learnt the snapshot's quirks: it lost about 0.13
macro-F1 on the SemEval tweets. With the logits fixed, posts without intents are untouched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nlp.errors import ModelError
from nlp.model import MODEL_DIR

CALIBRATION_FILE = "sentiment-calibration.json"
POLARITY_FEATURES = ("polarity", "want_to_see", "recommend")
NEUTRAL_FEATURES = (
    "subjectivity",
    "question",
    "want_to_see",
    "where_to_watch",
    "piracy",
    "watched",
    "recommend",
)
GRID = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)


@dataclass(frozen=True, slots=True)
class Signals:
    """What the calibrator reads of one post (or sentence)."""

    polarity: float  # logit of the model's polarity head
    subjectivity: float  # logit of the model's neutral head, 0 at its tuned threshold
    lexicon_pos: float
    lexicon_neg: float
    text: str
    intents: frozenset[str]

    def value(self, name: str) -> float:
        if name == "question":
            return 1.0 if "?" in self.text else 0.0
        if name in ("polarity", "subjectivity"):
            return float(getattr(self, name))
        return 1.0 if name in self.intents else 0.0


@dataclass
class Head:
    features: tuple[str, ...]
    weights: list[float]
    bias: float

    def probability(self, signals: Signals) -> float:
        z = self.bias + sum(
            w * signals.value(n) for n, w in zip(self.features, self.weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass
class Calibrator:
    polarity: Head
    neutral: Head

    def probabilities(self, signals: Signals) -> dict[str, float]:
        p_pos = self.polarity.probability(signals)
        p_neu = self.neutral.probability(signals)
        return {"neg": (1 - p_neu) * (1 - p_pos), "neu": p_neu, "pos": (1 - p_neu) * p_pos}

    def save(self, path: Path) -> None:
        data = {
            name: {"features": head.features, "weights": head.weights, "bias": head.bias}
            for name, head in (("polarity", self.polarity), ("neutral", self.neutral))
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibrator:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            heads = [
                Head(tuple(data[n]["features"]), data[n]["weights"], data[n]["bias"])
                for n in ("polarity", "neutral")
            ]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{path}: cannot read the calibration ({exc!r})") from None
        if heads[0].features != POLARITY_FEATURES or heads[1].features != NEUTRAL_FEATURES:
            raise ModelError(f"{path}: made for other features; run `filmbuzz train-sentiment`")
        return cls(*heads)


@cache
def load_calibrator(folder: Path = MODEL_DIR) -> Calibrator | None:
    path = folder / CALIBRATION_FILE
    return Calibrator.load(path) if path.exists() else None


def fit_calibrator(signals: Sequence[Signals], labels: Sequence[str], seed: int) -> Calibrator:
    """Offsets on `GRID` by coordinate search (three rounds) for macro-F1 on the labels; the
    model's logits keep weight 1. `seed` is unused: the search is deterministic."""
    from nlp.training.metrics import macro_f1

    calibrator = Calibrator(
        Head(POLARITY_FEATURES, [1.0] + [0.0] * (len(POLARITY_FEATURES) - 1), 0.0),
        Head(NEUTRAL_FEATURES, [1.0] + [0.0] * (len(NEUTRAL_FEATURES) - 1), 0.0),
    )

    def quality() -> float:
        found = [calibrator.probabilities(s) for s in signals]
        return macro_f1(labels, [max(p, key=p.__getitem__) for p in found])

    for _ in range(3):
        for head in (calibrator.polarity, calibrator.neutral):
            for index in range(1, len(head.features)):
                scores = []
                for value in GRID:
                    head.weights[index] = value
                    scores.append((round(quality(), 4), -abs(value), value))
                head.weights[index] = max(scores)[2]  # best, then the smallest offset
    return calibrator
