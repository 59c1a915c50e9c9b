"""The trained sentiment model of one language: two linear heads over n-grams and lexicon scores.

- polarity: P(positive | the text has an opinion), trained on pos/neg examples;
- subjectivity: P(neutral), trained on neu vs pos+neg examples.

Both read the same features (see `nlp.features`) plus two lexicon features (the positive and
negative parts of the film-aware lexicon score), which is how genre praise and emoji reach the
model: genre-praise words are dropped from the n-grams and counted as praise by the lexicon.
Weights are kept as plain dicts because a dict lookup per feature is the fastest way to score
one short post in Python. On disk: one compressed `.npz` with float16 weights and JSON metadata.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from nlp.errors import ModelError
from nlp.features import Vocabulary, ngrams, normalised
from nlp.folding import normalise_text
from nlp.lexicon import Lexicon, load_lexicon
from nlp.scoring import normalise, raw_score

MODEL_DIR = Path(str(files("nlp") / "models"))
LEX_FEATURES = ("<lex+>", "<lex->")
VERSION = 1


@dataclass(slots=True)
class Probabilities:
    neg: float
    neu: float
    pos: float

    @property
    def label(self) -> str:
        return max(("neg", "neu", "pos"), key=lambda k: float(getattr(self, k)))

    @property
    def score(self) -> float:
        """Opinion strength and direction in [-1, 1]: P(pos) - P(neg)."""
        return self.pos - self.neg


@dataclass
class Head:
    """One logistic-regression head: weight per feature, bias."""

    weights: dict[str, float]
    bias: float

    def logit(self, features: dict[str, float]) -> float:
        get = self.weights.get
        return self.bias + sum(value * get(name, 0.0) for name, value in features.items())


@dataclass
class SentimentModel:
    """Polarity and subjectivity heads of one language, with the decision threshold for neutral."""

    lang: str
    polarity: Head
    subjectivity: Head
    neutral_threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    _joint: dict[str, tuple[float, float]] = field(init=False, repr=False)

    def predict(
        self, text: str, lex: Lexicon, genres: frozenset[str] = frozenset()
    ) -> Probabilities:
        return self.probabilities(featurize(text, lex, genres))

    @property
    def neutral_offset(self) -> float:
        """The subjectivity logit at the neutral threshold: logit - offset > 0 means neutral."""
        t = self.neutral_threshold
        return math.log(t / (1 - t))

    @property
    def lexicon_only(self) -> bool:
        return bool(self.meta.get("lexicon_only"))

    def __post_init__(self) -> None:
        # both heads' weights under one key: one dict lookup per feature instead of two
        names = set(self.polarity.weights) | set(self.subjectivity.weights)
        pol, sub = self.polarity.weights, self.subjectivity.weights
        self._joint = {n: (pol.get(n, 0.0), sub.get(n, 0.0)) for n in names}

    def logits(self, features: dict[str, float]) -> tuple[float, float]:
        """(polarity, subjectivity) logits: P(pos | opinion) and P(neutral) before the sigmoid."""
        polarity, subjectivity = self.polarity.bias, self.subjectivity.bias
        get = self._joint.get
        for name, value in features.items():
            if (pair := get(name)) is not None:
                polarity += value * pair[0]
                subjectivity += value * pair[1]
        return polarity, subjectivity

    def probabilities(self, features: dict[str, float]) -> Probabilities:
        polarity, subjectivity = self.logits(features)
        # neutral wins only above its tuned threshold: shift so that the threshold maps to 0.5
        p_pos, p_neu = _sigmoid(polarity), _sigmoid(subjectivity - self.neutral_offset)
        return Probabilities(neg=(1 - p_neu) * (1 - p_pos), neu=p_neu, pos=(1 - p_neu) * p_pos)

    def log_probabilities(self, features: dict[str, float]) -> tuple[float, float, float]:
        """log P(neg), log P(neu), log P(pos): what the calibration layer blends."""
        p = self.probabilities(features)
        return (_log(p.neg), _log(p.neu), _log(p.pos))

    def save(self, path: Path) -> None:
        names = sorted(set(self.polarity.weights) | set(self.subjectivity.weights))
        meta = {
            **self.meta,
            "version": VERSION,
            "lang": self.lang,
            "neutral_threshold": self.neutral_threshold,
            "bias": [self.polarity.bias, self.subjectivity.bias],
        }
        arrays: dict[str, np.ndarray] = {
            "names": np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            "polarity": np.array([self.polarity.weights.get(n, 0.0) for n in names], np.float16),
            "subjectivity": np.array(
                [self.subjectivity.weights.get(n, 0.0) for n in names], np.float16
            ),
            "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), np.uint8),
        }
        write_npz(path, arrays)

    @classmethod
    def load(cls, path: Path) -> SentimentModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                names = data["names"].tobytes().decode("utf-8").split("\n")
                polarity = data["polarity"].astype(np.float64).tolist()
                subjectivity = data["subjectivity"].astype(np.float64).tolist()
                meta = json.loads(data["meta"].tobytes().decode("utf-8"))
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the sentiment model ({exc})") from None
        bias_pol, bias_sub = meta["bias"]
        return cls(
            lang=meta["lang"],
            polarity=Head({n: w for n, w in zip(names, polarity, strict=True) if w}, bias_pol),
            subjectivity=Head(
                {n: w for n, w in zip(names, subjectivity, strict=True) if w}, bias_sub
            ),
            neutral_threshold=meta["neutral_threshold"],
            meta=meta,
        )


def featurize(text: str, lex: Lexicon, genres: frozenset[str] = frozenset()) -> dict[str, float]:
    """Normalised n-grams (genre-praise words left out) plus the two lexicon features."""
    text = normalise_text(text)
    found = normalised(ngrams(text, vocabulary(lex.lang), praise_tokens(lex.lang)))
    found.update(lexicon_features(lex, text, genres))
    return found


@cache
def vocabulary(lang: str) -> Vocabulary:
    return Vocabulary.of(load_lexicon(lang))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like `np.savez_compressed`, but byte-for-byte the same for the same arrays (fixed
    timestamps), so retraining with the same data and seed reproduces the shipped files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def lexicon_features(lex: Lexicon, text: str, genres: frozenset[str]) -> dict[str, float]:
    """The positive and negative parts of the lexicon score, in [0, 1]."""
    score = normalise(raw_score(lex, text, genres))
    return {LEX_FEATURES[0]: max(score, 0.0), LEX_FEATURES[1]: max(-score, 0.0)}


@cache
def praise_tokens(lang: str) -> frozenset[str]:
    """Single words that are praise in some genres ('disturbing', 'terrifying' for horror).

    The n-grams ignore them whatever the film's genres, so their meaning reaches the model only
    through the genre-aware lexicon score: praise for a horror film, criticism for a romance.
    Learnt as n-grams they would carry the praise of horror posts over to every genre.
    """
    lex = load_lexicon(lang)
    words = set().union(*lex.genre_praise.values())
    return frozenset(w for w in words if " " not in w)


def _log(p: float) -> float:
    return math.log(max(p, 1e-9))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def model_path(lang: str, folder: Path = MODEL_DIR) -> Path:
    return folder / f"sentiment-{lang}.npz"


@cache
def load_model(lang: str, folder: Path = MODEL_DIR) -> SentimentModel | None:
    """The shipped model for `lang`, or None when the project has none for it."""
    path = model_path(lang, folder)
    return SentimentModel.load(path) if path.exists() else None
