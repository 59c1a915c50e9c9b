"""`buzz_sentiment`: film-aware post sentiment, calibrated by kind of text and intents.

1. The linear model of the post's language (see `nlp.model`) reads n-grams with negation and
   contrast marks plus the lexicon's score; genre matters: with a horror or thriller among the
   film's genres, "disturbing" is praise.
2. The calibration layer (`nlp.calibration`) adds what the kind of text (review, social post,
   news) and the post's intents say.
A star rating — from the source, or written in the text ("★★★★", "4/5", "8 sur 10") — is
blended in last, as it is the author's own label.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.calibration import Calibrator, Signals, kind_of_source, load_calibrator
from nlp.components import CONTEXT_FILMS, RATING, SOURCE, opinion_text, text_of
from nlp.components.cues import found_intents
from nlp.components.state import JsonState
from nlp.errors import ModelError
from nlp.lexicon import load_lexicon
from nlp.model import SentimentModel, featurize, load_model
from nlp.ratings import rating_in_text
from nlp.scoring import label

RATING_WEIGHT = 0.6
FALLBACK_MODEL = "xx"


def rating_score(rating: float) -> float:
    """0-5 stars to [-1, 1], with 2.75 stars as neutral."""
    return max(-1.0, min(1.0, (rating - 2.75) / 2.0))


class FilmSentiment(JsonState):
    """Sets `doc._.buzz_sentiment = {"label": "pos"|"neg"|"neu", "score": -1..1}`.

    The weights ship in `nlp/models/` and are read once per process; the component's own state
    (saved by to_disk/to_bytes) is the map of films to genres.
    """

    def __init__(self, genres: dict[str, list[str]] | None = None) -> None:
        self.genres = genres or {}

    def initialize(
        self,
        get_examples: Callable[[], Any] | None = None,
        *,
        nlp: Language | None = None,
        genres: dict[str, list[str]] | None = None,
    ) -> None:
        if genres is not None:
            self.genres = genres
        if nlp is not None:  # read the weights now rather than on the first post
            self.model(str(nlp.lang))
            load_calibrator()

    def genres_of(self, doc: Doc) -> frozenset[str]:
        films = doc._.buzz_about or doc.user_data.get(CONTEXT_FILMS, ())
        return frozenset(g.lower() for f in films for g in self.genres.get(f, ()))

    @staticmethod
    def model(lang: str) -> SentimentModel:
        found = load_model(lang) or load_model(FALLBACK_MODEL)
        if found is None:
            raise ModelError(
                f"no sentiment model for {lang!r} nor {FALLBACK_MODEL!r} in nlp/models"
            )
        return found

    def linear(self, text: str, lang: str, genres: frozenset[str]) -> tuple[float, float, float]:
        return self.model(lang).log_probabilities(featurize(text, load_lexicon(lang), genres))

    def score_text(
        self, text: str, lang: str, genres: frozenset[str], intents: frozenset[str] = frozenset()
    ) -> tuple[str, float]:
        """Label and score of any stretch of text (a clause, a sentence) by the linear model."""
        signals = Signals(self.linear(text, lang, genres), "social", intents)
        return _decide(load_calibrator(), signals)

    def __call__(self, doc: Doc) -> Doc:
        self._finish(doc, _decide(load_calibrator(), self._signals(doc)))
        return doc

    def _signals(self, doc: Doc) -> Signals:
        lang = doc._.buzz_lang or doc.lang_
        intents = set(found_intents(doc, lang))
        if "?" in text_of(doc):
            intents.add("question")
        linear = self.linear(opinion_text(doc), lang, self.genres_of(doc))
        return Signals(linear, kind_of_source(doc.user_data.get(SOURCE)), frozenset(intents))

    @staticmethod
    def _finish(doc: Doc, found: tuple[str, float]) -> None:
        name, score = found
        rating = doc.user_data.get(RATING)
        if rating is None:
            rating = rating_in_text(text_of(doc))
        if rating is not None:
            score = RATING_WEIGHT * rating_score(float(rating)) + (1 - RATING_WEIGHT) * score
            name = label(score)
        doc._.buzz_sentiment = {"label": name, "score": round(score, 4)}

    def state(self) -> Any:
        return {"genres": self.genres}

    def load_state(self, state: Any) -> None:
        self.genres = state["genres"]


def _decide(calibrator: Calibrator | None, signals: Signals) -> tuple[str, float]:
    """Label and score (P(pos) - P(neg)) of one post's signals."""
    if calibrator is None:
        p = dict(zip(("neg", "neu", "pos"), map(math.exp, signals.linear), strict=True))
    else:
        p = calibrator.probabilities(signals)
    return max(p, key=p.__getitem__), p["pos"] - p["neg"]
