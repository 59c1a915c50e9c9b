"""`buzz_cues`: intents (want to see, where to watch, piracy…), aspects with their sentiment, and place."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import RATING, opinion_text, text_of
from nlp.features import sentences
from nlp.folding import fold
from nlp.lexicon import LEXICON_DIR, Lexicon, load_lexicon, phrase_pattern, read_json
from nlp.scoring import label, normalise, raw_score

INTENTS = ("want_to_see", "where_to_watch", "piracy", "watched", "recommend")
_FOUND = "buzz_found_intents"
_TRAILER = re.compile(r"\W+(?:\w+\W+){0,2}?(?:trailer|teaser|bande-annonce|bande annonce|avance)")
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


def intents_of(lex: Lexicon, folded: str, rated: bool = False) -> list[str]:
    """Intents whose phrases occur in the folded text, unless negated ('would not recommend')
    or about the trailer ('saw the trailer' is not having seen the film). A rating means the
    author has seen the film."""
    found = []
    for name in INTENTS:
        pattern = lex.intents.get(name)
        if pattern and any(_counts(lex, folded, name, m) for m in pattern.finditer(folded)):
            found.append(name)
    if rated and "watched" not in found:
        found.append("watched")
    return found


def _counts(lex: Lexicon, folded: str, intent: str, match: re.Match[str]) -> bool:
    if _negated_intent(lex, folded, match.start()):
        return False
    return intent != "watched" or not _TRAILER.match(folded, match.end())


def found_intents(doc: Doc, lang: str) -> list[str]:
    """The doc's intents, found once and kept in `doc.user_data` for the next component."""
    if _FOUND not in doc.user_data:
        # a rating the author wrote ('10/10', '★★★★') is a log entry too
        from nlp.components.sentiment import rating_in_text  # sentiment imports this module

        rated = doc.user_data.get(RATING) is not None or rating_in_text(text_of(doc)) is not None
        doc.user_data[_FOUND] = intents_of(load_lexicon(lang), fold(text_of(doc)), rated)
    return list(doc.user_data[_FOUND])


def _negated_intent(lex: Lexicon, folded: str, start: int) -> bool:
    """'I would not recommend', 'pas sûr d'avoir envie': a negator just before the phrase."""
    before = folded[max(0, start - 24) : start]
    words = before.replace("'", " ").split()[-3:]
    return any(w in lex.negators or w.endswith("n't") for w in words)


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
        ext = doc._
        lang = ext.buzz_lang or doc.lang_
        lex = load_lexicon(lang)
        folded = fold(text_of(doc))
        ext.buzz_intents = found_intents(doc, lang)
        aspects: dict[str, tuple[str, float]] = {}
        if lex.any_aspect is not None and lex.any_aspect.search(folded):
            for start, end in sentences(folded):
                found = [
                    a for a in ASPECTS if (p := lex.aspects.get(a)) and p.search(folded, start, end)
                ]
                if found:
                    sentiment = self._sentiment(doc, start, end, lang)
                    for aspect in found:
                        aspects.setdefault(aspect, sentiment)
        ext.buzz_aspects = [
            {"aspect": a, "label": name, "score": round(s, 4)} for a, (name, s) in aspects.items()
        ]
        ext.buzz_country = country_of(text_of(doc))
        return doc

    def _sentiment(self, doc: Doc, start: int, end: int, lang: str) -> tuple[str, float]:
        """The sentence's sentiment by the pipeline's sentiment component, else the lexicon;
        a one-sentence post's is the post's."""
        text = opinion_text(doc)[start:end]
        post = doc._.buzz_sentiment
        if post is not None and text.strip() == opinion_text(doc).strip():
            return str(post["label"]), float(post["score"])
        if "buzz_sentiment" in self.nlp.pipe_names:
            scorer: Any = self.nlp.get_pipe("buzz_sentiment")
            found: tuple[str, float] = scorer.score_text(text, lang, scorer.genres_of(doc))
            return found
        score = normalise(raw_score(load_lexicon(lang), text))
        return label(score), score
