"""`buzz_territory`: the audience's country, and separately the places a post names.

A place named is not an audience: "Karlovy Vary" in a festival report says where the film
played, not who wants it. A post's `country` is where its author is or where they ask to
see the film, read from the words around a place ("here in Brazil", "aqui em Portugal",
"ojalá llegue a España", "when is it coming to the UK", "is there a US date"), from a place
next to an intent ("where can I watch it in Chile?"), or from a location the source gives
for the author. Festivals and the places of the film's events in the config never give one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import AUTHOR_LOCATION, text_of
from nlp.components.state import JsonState
from nlp.folding import fold
from nlp.lexicon import Lexicon, load_lexicon, trie_regex
from nlp.places import Gazetteer, Place, gazetteer

AUDIENCE_INTENTS = frozenset({"where_to_watch", "want_to_see", "piracy", "watched"})
WINDOW = 48  # characters before a place searched for a cue
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z][a-z]")


@dataclass(frozen=True)
class Cues:
    """One language's audience cues, compiled: each pattern is anchored where the place is."""

    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    locative: re.Pattern[str] | None


def _anchored_before(phrases: Iterable[str], articles: Iterable[str]) -> re.Pattern[str] | None:
    phrases = list(phrases)
    if not phrases:
        return None
    article = trie_regex(a.rstrip("'") for a in articles)
    return re.compile(rf"(?<!\w){trie_regex(phrases)}\s+(?:{article}(?:\s+|'))?$")


@cache
def cues_of(lang: str) -> Cues:
    lex: Lexicon = load_lexicon(lang)
    words = lex.territory
    articles = words.get("articles", [])
    after = words.get("after", [])
    return Cues(
        before=_anchored_before(words.get("before", []), articles),
        after=re.compile(rf"\s+(?:{trie_regex(after)})(?!\w)") if after else None,
        locative=_anchored_before(words.get("locative", []), articles),
    )


@dataclass(frozen=True, slots=True)
class Found:
    place: Place
    start: int
    end: int
    audience: bool


class Territory(JsonState):
    """Sets `doc._.buzz_country` (audience territory or None) and `doc._.buzz_places` (ISO
    codes of the places named, in order). Its state is the event places of each film."""

    def __init__(self) -> None:
        self.event_places: dict[str, list[str]] = {}

    def initialize(
        self,
        get_examples: Callable[[], Any] | None = None,
        *,
        nlp: Language | None = None,
        films: list[dict[str, Any]] | None = None,
    ) -> None:
        if films is not None:
            self.event_places = {f["slug"]: list(f.get("event_places", [])) for f in films}
        gazetteer()  # built now rather than on the first post

    def __call__(self, doc: Doc) -> Doc:
        ext = doc._
        text = text_of(doc)
        found = self.find(doc, text, ext.buzz_lang or doc.lang_)
        places = list(dict.fromkeys(f.place.code for f in found if f.place.kind != "demonym"))
        audience = [f.place.code for f in found if f.audience]
        if not audience and (where := doc.user_data.get(AUTHOR_LOCATION)):
            audience = [m.place.code for m in self._matches(str(where), fold(str(where)), ())]
        ext.buzz_places = places
        ext.buzz_country = audience[0] if audience else None
        return doc

    def find(self, doc: Doc, text: str, lang: str) -> list[Found]:
        folded = fold(text)
        cues = cues_of(lang)
        intents = AUDIENCE_INTENTS.intersection(doc._.buzz_intents or ())
        taken = [(m["start"], m["end"]) for m in doc._.buzz_mentions or ()]
        events = {fold(p) for film in self._films(doc) for p in self.event_places.get(film, ())}
        found = []
        for match in self._matches(text, folded, taken):
            place, start, end = match.place, match.start, match.end
            before = folded[max(0, start - WINDOW) : start]
            cued = bool(cues.before and cues.before.search(before)) or bool(
                cues.after and cues.after.match(folded, end)
            )
            if place.kind == "demonym" and not cued:
                continue  # "a French film" names no place
            located = bool(intents and cues.locative and cues.locative.search(before))
            if not text[start].isupper() and not (cued or located):
                continue
            event = place.kind == "festival" or folded[start:end] in events
            found.append(Found(place, start, end, (cued or located) and not event))
        return found

    def _films(self, doc: Doc) -> list[str]:
        return list(doc._.buzz_about or ()) or list(self.event_places)

    @staticmethod
    def _matches(text: str, folded: str, taken: Iterable[tuple[int, int]]) -> list[Found]:
        """Every gazetteer match the letter case allows, outside the film mentions' spans."""
        table: Gazetteer = gazetteer()
        found = []
        for match in table.pattern.finditer(folded):
            start, end = match.span()
            place = table.names[match.group()]
            if any(s < end and start < e for s, e in taken):
                continue  # 'Paris' in a person's name, 'Monster' the title
            if place.exact and text[start:end] != text[start:end].upper():
                continue
            if place.kind == "city" and _CAPITALISED_NEXT.match(text, end):
                continue  # 'Charlotte Wells', 'Victoria Pedretti': a person
            found.append(Found(place, start, end, False))
        return found

    def state(self) -> Any:
        return {"event_places": self.event_places}

    def load_state(self, state: Any) -> None:
        self.event_places = state["event_places"]
