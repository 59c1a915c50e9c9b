"""The last step of post sentiment: the model's probabilities, the kind of text, the intents.

Inputs per post: the linear model's log-probabilities, the kind of text and the intents.
Output: the label.

- **Kind of text**: a review on a review site is almost never neutral and usually positive;
  a social post is often neutral; a news headline usually is. Each kind gets its own offsets
  to the neutral and positive log-probabilities, fitted on real text of that kind.
- **Intents**: wanting to see a film or recommending it leans positive; asking where to
  watch, piracy talk and questions lean neutral; having watched leans towards an opinion.

Fitted by `nlp.training.calibrate` on calibration texts of each kind, never on a split that
`filmbuzz eval` reports.
"""

from __future__ import annotations

import json
import math
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


def kind_of_source(source: str | None) -> str:
    return SOURCE_KINDS.get(source or "", "social")


@dataclass(frozen=True, slots=True)
class Signals:
    """What the calibrator reads of one post (or clause)."""

    linear: tuple[float, float, float]  # log P(neg, neu, pos) of the linear model
    kind: str
    intents: frozenset[str]  # with "question" when the text asks one


@dataclass
class Calibrator:
    kinds: dict[str, list[float]] = field(default_factory=lambda: {k: [0.0, 0.0] for k in KINDS})
    polarity: dict[str, float] = field(default_factory=lambda: dict.fromkeys(POLARITY_INTENTS, 0.0))
    neutral: dict[str, float] = field(default_factory=lambda: dict.fromkeys(NEUTRAL_INTENTS, 0.0))

    def logits(self, s: Signals) -> list[float]:
        base = list(s.linear)
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
            "kinds": self.kinds,
            "polarity": self.polarity,
            "neutral": self.neutral,
        }
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibrator:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found = cls(data["kinds"], data["polarity"], data["neutral"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: cannot read the calibration ({exc!r})") from None
        if set(found.kinds) != set(KINDS) or set(found.neutral) != set(NEUTRAL_INTENTS):
            raise ModelError(f"{path}: made for other features; run `filmbuzz train-sentiment`")
        return found


@cache
def load_calibrator(folder: Path = MODEL_DIR) -> Calibrator | None:
    path = folder / CALIBRATION_FILE
    return Calibrator.load(path) if path.exists() else None
