"""`buzz_cues`: intents (want to see, where to watch, piracy…), aspects with their sentiment, and place."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.folding import fold
from nlp.lexicon import LEXICON_DIR, load_lexicon, phrase_pattern, read_json
from nlp.scoring import label, normalise, raw_score

INTENTS = ("want_to_see", "where_to_watch", "piracy", "watched", "recommend")
ASPECTS = ("acting", "story", "direction", "visuals", "sound", "pacing", "ending", "tone")


@cache
def gazetteer() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Place names in every language we read -> ISO 3166 country code."""
    data = read_json(LEXICON_DIR / "places.json")
    names = {fold(n): code for code, ns in data["countries"].items() for n in ns}
    names |= {fold(city): code for city, code in data["cities"].items()}
    return phrase_pattern(names), names


def country_of(text: str) -> str | None:
    pattern, names = gazetteer()
    match = pattern.search(fold(text)) if pattern else None
    return names[match.group()] if match else None


class Cues:
    """Sets `doc._.buzz_intents` (names), `doc._.buzz_aspects` ([{aspect, label, score}]) and `doc._.buzz_country`.

    An aspect takes the sentiment of the sentence it is named in; the genres used are the
    ones the sentiment component knows, so genre praise counts for aspects too.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def initialize(
        self, get_examples: Callable[[], Any] | None = None, *, nlp: Language | None = None
    ) -> None:
        return None

    def __call__(self, doc: Doc) -> Doc:
        lex = load_lexicon(doc._.buzz_lang or doc.lang_)
        folded = fold(doc.text)
        doc._.buzz_intents = [
            name for name in INTENTS if (p := lex.intents.get(name)) and p.search(folded)
        ]
        genres = self._genres(doc)
        aspects: dict[str, float] = {}
        for sentence in doc.sents:
            found = [
                a for a in ASPECTS if (p := lex.aspects.get(a)) and p.search(fold(sentence.text))
            ]
            if found:
                score = normalise(raw_score(lex, sentence.text, genres))
                for aspect in found:
                    aspects.setdefault(aspect, score)
        doc._.buzz_aspects = [
            {"aspect": a, "label": label(s), "score": round(s, 4)} for a, s in aspects.items()
        ]
        doc._.buzz_country = country_of(doc.text)
        return doc

    def _genres(self, doc: Doc) -> frozenset[str]:
        if "buzz_sentiment" in self.nlp.pipe_names:
            return self.nlp.get_pipe("buzz_sentiment").genres_of(doc)  # type: ignore[attr-defined, no-any-return]
        return frozenset()


@Language.factory(
    "buzz_cues",
    assigns=["doc._.buzz_intents", "doc._.buzz_aspects", "doc._.buzz_country"],
    default_config={},
)
def make_cues(nlp: Language, name: str) -> Cues:
    return Cues(nlp)
