"""`buzz_sentiment`: film-aware post sentiment from the language's lexicon, informed by a star rating.

Genre matters: with a horror or thriller among the film's genres, "disturbing" is praise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import CONTEXT_FILMS, RATING
from nlp.components.state import JsonState
from nlp.lexicon import load_lexicon
from nlp.scoring import label, normalise, raw_score

RATING_WEIGHT = 0.6


def rating_score(rating: float) -> float:
    """0-5 stars to [-1, 1], with 2.75 stars as neutral."""
    return max(-1.0, min(1.0, (rating - 2.75) / 2.0))


class FilmSentiment(JsonState):
    """Sets `doc._.buzz_sentiment = {"label": "pos"|"neg"|"neu", "score": -1..1}`."""

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

    def genres_of(self, doc: Doc) -> frozenset[str]:
        films = doc._.buzz_about or doc.user_data.get(CONTEXT_FILMS, ())
        return frozenset(g.lower() for f in films for g in self.genres.get(f, ()))

    def __call__(self, doc: Doc) -> Doc:
        lex = load_lexicon(doc._.buzz_lang or doc.lang_)
        score = normalise(raw_score(lex, doc.text, self.genres_of(doc)))
        rating = doc.user_data.get(RATING)
        if rating is not None:
            score = RATING_WEIGHT * rating_score(float(rating)) + (1 - RATING_WEIGHT) * score
        doc._.buzz_sentiment = {"label": label(score), "score": round(score, 4)}
        return doc

    def state(self) -> Any:
        return {"genres": self.genres}

    def load_state(self, state: Any) -> None:
        self.genres = state["genres"]


@Language.factory("buzz_sentiment", assigns=["doc._.buzz_sentiment"], default_config={})
def make_sentiment(nlp: Language, name: str) -> FilmSentiment:
    return FilmSentiment()
