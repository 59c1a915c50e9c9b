"""`buzz_sentiment`: film-aware post sentiment from the trained model of the post's language.

The model (see `nlp.model`) reads n-grams with negation and contrast marks plus the lexicon's
score; genre matters: with a horror or thriller among the film's genres, "disturbing" is
praise. A star rating — from the source, or written in the text ("★★★★", "4/5", "8/10") —
is blended in, as it is the author's own label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.calibration import Signals, load_calibrator
from nlp.components import CONTEXT_FILMS, RATING, opinion_text, text_of
from nlp.components.cues import found_intents
from nlp.components.state import JsonState
from nlp.errors import ModelError
from nlp.lexicon import LEXICON_DIR, load_lexicon, read_json
from nlp.model import LEX_FEATURES, SentimentModel, featurize, load_model
from nlp.scoring import label

RATING_WEIGHT = 0.6
FALLBACK_MODEL = "xx"


def rating_score(rating: float) -> float:
    """0-5 stars to [-1, 1], with 2.75 stars as neutral."""
    return max(-1.0, min(1.0, (rating - 2.75) / 2.0))


@cache
def _rating_patterns() -> tuple[
    re.Pattern[str], dict[str, float], list[tuple[re.Pattern[str], float]]
]:
    common = read_json(LEXICON_DIR / "common.json")
    stars: dict[str, float] = {
        k: float(v) for k, v in common["stars"].items() if "★" in k or "⭐" in k
    }
    body = "|".join(re.escape(s) for s in sorted(stars, key=len, reverse=True))
    scales = [
        (re.compile(rf"(?<![\d.,]){p}(?![\d])"), 5.0 if "/\\s*5" in p else 10.0)
        for p in common["rating_patterns"]
    ]
    return re.compile(rf"(?:{body})½?"), stars, scales


def rating_in_text(text: str) -> float | None:
    """A 0-5 rating the author wrote: star glyphs, 'x/5' or 'x/10'; None when there is none."""
    if "/" not in text and "★" not in text and "⭐" not in text:
        return None
    stars_pattern, stars, scales = _rating_patterns()
    if match := stars_pattern.search(text):
        glyphs = match.group()
        half = 0.5 if glyphs.endswith("½") and glyphs not in stars else 0.0
        return stars.get(glyphs, stars.get(glyphs.rstrip("½"), 0.0)) + half
    for pattern, scale in scales:
        if match := pattern.search(text):
            value = float(match.group(1).replace(",", "."))
            if value <= scale:
                return value * 5.0 / scale
    return None


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

    def genres_of(self, doc: Doc) -> frozenset[str]:
        films = doc._.buzz_about or doc.user_data.get(CONTEXT_FILMS, ())
        return frozenset(g.lower() for f in films for g in self.genres.get(f, ()))

    @staticmethod
    def model(lang: str) -> SentimentModel | None:
        return load_model(lang) or load_model(FALLBACK_MODEL)

    def signals(
        self, text: str, lang: str, genres: frozenset[str], intents: frozenset[str] = frozenset()
    ) -> tuple[SentimentModel, dict[str, float], Signals]:
        lex = load_lexicon(lang)
        model = self.model(lang)
        if model is None:
            raise ModelError(
                f"no sentiment model for {lang!r} nor {FALLBACK_MODEL!r} in nlp/models"
            )
        features = featurize(text, lex, genres)
        polarity, subjectivity = model.logits(features)
        subjectivity -= model.neutral_offset
        lex_pos, lex_neg = (features[name] for name in LEX_FEATURES)
        found = Signals(polarity, subjectivity, lex_pos, lex_neg, text, intents)
        return model, features, found

    def score_text(
        self, text: str, lang: str, genres: frozenset[str], intents: frozenset[str] = frozenset()
    ) -> tuple[str, float]:
        """Label and score of any stretch of text (a post, a sentence) in `lang`."""
        model, features, signals = self.signals(text, lang, genres, intents)
        calibrator = load_calibrator()
        if calibrator is None:
            found = model.probabilities(features)
            return found.label, found.score
        p = calibrator.probabilities(signals)
        return max(p, key=p.__getitem__), p["pos"] - p["neg"]

    def __call__(self, doc: Doc) -> Doc:
        lang = doc._.buzz_lang or doc.lang_
        intents = frozenset(found_intents(doc, lang))
        name, score = self.score_text(opinion_text(doc), lang, self.genres_of(doc), intents)
        rating = doc.user_data.get(RATING)
        if rating is None:
            rating = rating_in_text(text_of(doc))
        if rating is not None:
            score = RATING_WEIGHT * rating_score(float(rating)) + (1 - RATING_WEIGHT) * score
            name = label(score)
        doc._.buzz_sentiment = {"label": name, "score": round(score, 4)}
        return doc

    def state(self) -> Any:
        return {"genres": self.genres}

    def load_state(self, state: Any) -> None:
        self.genres = state["genres"]
