"""`buzz_cues`: intents (want to see, where to watch, piracy…) and aspects with their sentiment."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import RATING, opinion_text, text_of
from nlp.components.state import JsonState
from nlp.features import clauses, sentences
from nlp.folding import fold
from nlp.lexicon import Lexicon, load_lexicon
from nlp.ratings import rating_in_text
from nlp.scoring import label, normalise, raw_score

INTENTS = ("want_to_see", "where_to_watch", "piracy", "watched", "recommend")
_FOUND = "buzz_found_intents"
_TRAILER = re.compile(r"\W+(?:\w+\W+){0,2}?(?:trailer|teaser|bande-annonce|bande annonce|avance)")
ASPECTS = ("acting", "story", "direction", "visuals", "sound", "pacing", "ending", "tone")


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
        rated = doc.user_data.get(RATING) is not None or rating_in_text(text_of(doc)) is not None
        text = _titles_as_it(text_of(doc), doc._.buzz_mentions or ())
        doc.user_data[_FOUND] = intents_of(load_lexicon(lang), fold(text), rated)
    return list(doc.user_data[_FOUND])


def _titles_as_it(text: str, mentions: Iterable[dict[str, Any]]) -> str:
    """The text with each film mention read as "it": the phrases are written with a pronoun
    ("wish it was streaming", "is it on mubi") and people put the title there."""
    limit = len(text)
    for m in sorted(mentions, key=lambda m: -int(m["start"])):
        if m["end"] <= limit:  # overlapping spans: the later one was replaced
            text = text[: m["start"]] + "it" + text[m["end"] :]
            limit = m["start"]
    return text


def _negated_intent(lex: Lexicon, folded: str, start: int) -> bool:
    """'I would not recommend', 'pas sûr d'avoir envie': a negator just before the phrase."""
    before = folded[max(0, start - 24) : start]
    words = before.replace("'", " ").split()[-3:]
    return any(w in lex.negators or w.endswith("n't") for w in words)


class Cues(JsonState):
    """Sets `doc._.buzz_intents` (names) and `doc._.buzz_aspects` ([{aspect, label, score}]).

    An aspect takes the sentiment of its own clause ("the acting is superb but the ending
    drags": acting pos, ending neg); a clause without opinion words takes its sentence's. A
    performer of the film's cast named in a clause makes it about the acting. The genres used
    are the ones the sentiment component knows, so genre praise counts for aspects too. The
    component's state is the cast of each film.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.cast: dict[str, list[str]] = {}

    def initialize(
        self,
        get_examples: Callable[[], Any] | None = None,
        *,
        nlp: Language | None = None,
        films: list[dict[str, Any]] | None = None,
    ) -> None:
        if films is not None:
            self.cast = {f["slug"]: list(f.get("cast", [])) for f in films}

    def __call__(self, doc: Doc) -> Doc:
        ext = doc._
        lang = ext.buzz_lang or doc.lang_
        ext.buzz_intents = found_intents(doc, lang)
        aspects: dict[str, tuple[str, float]] = {}
        for (start, end), names in self.aspect_clauses(doc, lang).items():
            sentiment = self._sentiment(doc, start, end, lang)
            for aspect in names:
                aspects.setdefault(aspect, sentiment)
        ext.buzz_aspects = [
            {"aspect": a, "label": name, "score": round(s, 4)} for a, (name, s) in aspects.items()
        ]
        return doc

    def aspect_clauses(self, doc: Doc, lang: str) -> dict[tuple[int, int], list[str]]:
        """The clauses that name an aspect (or a performer), with the aspects they name."""
        lex = load_lexicon(lang)
        folded = fold(text_of(doc))
        performers = self._performers(doc)
        if not performers and (lex.any_aspect is None or not lex.any_aspect.search(folded)):
            return {}
        found: dict[tuple[int, int], list[str]] = {}
        for start, end in clauses(folded, lex.contrast_pattern):
            names = [
                a for a in ASPECTS if (p := lex.aspects.get(a)) and p.search(folded, start, end)
            ]
            if "acting" not in names and any(start <= s < end for s in performers):
                names.append("acting")
            if names:
                found[(start, end)] = names
        return found

    def _performers(self, doc: Doc) -> list[int]:
        """Where the film's performers are named (start offsets)."""
        cast = {fold(name) for names in self.cast.values() for name in names}
        return [
            m["start"]
            for m in doc._.buzz_mentions or ()
            if m["kind"] == "person" and fold(m["text"]) in cast
        ]

    def state(self) -> Any:
        return {"cast": self.cast}

    def load_state(self, state: Any) -> None:
        self.cast = state["cast"]

    def _sentiment(self, doc: Doc, start: int, end: int, lang: str) -> tuple[str, float]:
        """The clause's sentiment by the pipeline's sentiment component, else the lexicon; a
        clause without opinion words takes its sentence's, a one-sentence post the post's."""
        text = opinion_text(doc)[start:end]
        if not raw_score(load_lexicon(lang), text):
            start, end = next(
                ((s, e) for s, e in sentences(text_of(doc)) if s <= start < e), (start, end)
            )
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
