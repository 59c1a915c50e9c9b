"""`buzz_film_mentions`: which tracked films a post names, how, and how sure we are.

Generic titles ("Monster", "Past Lives", "Red Rooms") count only with evidence: the title's
capitals, quotes, a film hashtag, film words, the film's people, a source page about the film, or
the title opening a sentence as its subject ('Aftersun is mid') or a post as its heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.boundaries import bounded
from nlp.components import CONTEXT_FILMS, DECLARED_LANG, SOURCE, TITLE_CONFIDENCE, text_of
from nlp.components.cues import found_intents
from nlp.components.state import JsonState
from nlp.folding import fold, squash
from nlp.lexicon import load_lexicon, trie_regex

FILM_PAGE_SOURCES = frozenset({"letterboxd", "wikipedia", "youtube"})
_QUOTES = "\"'“”‘’«»*_"
_COMPOUND = re.compile(r"-\w")
# French articles fuse with "de"/"à": "la bande-annonce des Chambres rouges", "au Monde"
_CONTRACTIONS = {"les ": ("des ", "aux "), "le ": ("du ", "au ")}
# what may follow a title that opens a post as its heading: reaction emoji, "!", "…", ":", "—"
_REACTION = re.compile(
    r"\s*(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2764\uFE0F!?…:—–]|\.\.\.)"
)


@dataclass(frozen=True)
class Name:
    film: str
    text: str
    kind: str  # title | alt_title | alias | hashtag | person
    generic: bool


def is_generic(name: str) -> bool:
    """Short titles made of plain words can mean something else ('monster', 'past lives',
    'talk to me', 'háblame', "l'innocence")."""
    words = fold(name).replace("'", " ").replace("-", " ").split()
    return 0 < len(words) <= 3 and all(w.isalpha() for w in words) and len(squash(name)) <= 20


def is_generic_hashtag(tag: str) -> bool:
    """'#Monster' could be anything; '#RedRooms' (two words run together) is a film tag."""
    return (
        len(re.findall(r"[A-Z][a-z]*", tag)) <= 1
        and tag.isascii()
        and tag.isalpha()
        and len(tag) <= 8
    )


def names_of(film: dict[str, Any]) -> list[Name]:
    slug = film["slug"]
    names = [Name(slug, film["title"], "title", is_generic(film["title"]))]
    names += [Name(slug, t, "alt_title", is_generic(t)) for t in film.get("titles", [])]
    for alias in film.get("aliases", []):
        if alias.startswith("#"):
            names.append(Name(slug, alias[1:], "hashtag", is_generic_hashtag(alias[1:])))
        else:
            names.append(Name(slug, alias, "alias", is_generic(alias)))
    names += [Name(slug, p, "person", False) for p in film.get("people", [])]
    return names


@cache
def title_verbs(langs: tuple[str, ...]) -> re.Pattern[str] | None:
    """What follows a title used as a sentence's subject ('Aftersun is mid', 'Close me pareció',
    'Monster n'a pas marché'): a bare common noun rarely opens a sentence that way. The verbs
    of the detected and the declared language (short posts are often detected wrong)."""
    verbs = set().union(*(load_lexicon(lang).title_verbs for lang in langs))
    body = trie_regex(verbs).replace("'", "['’]")  # accents kept: Portuguese 'é' is not 'e'
    return re.compile(rf"\s+{body}(?!\w)", re.IGNORECASE) if verbs else None


def surnames(films: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Distinctive surnames (6 letters or more) of each film's people, folded -> films."""
    found: dict[str, set[str]] = {}
    for film in films:
        for person in film.get("people", []):
            last = fold(person.split()[-1]) if len(person.split()) > 1 else ""
            if len(last) >= 6:
                found.setdefault(last, set()).add(film["slug"])
    return found


class FilmMentions(JsonState):
    """Finds mentions on folded text and scores each with its evidence."""

    def __init__(self, films: Iterable[dict[str, Any]] = ()) -> None:
        self.set_films(films)

    def set_films(self, films: Iterable[dict[str, Any]]) -> None:
        self.films = [dict(f) for f in films]
        self.names = [n for f in self.films for n in names_of(f)]
        self.hashtags = {squash(n.text): n for n in self.names if n.kind != "person"}
        # hashtag aliases are matched as hashtags only: as phrases they would hide the title
        phrases = {fold(n.text): n for n in self.names if n.kind != "hashtag"}
        for phrase, name in list(phrases.items()):
            for article, fused in _CONTRACTIONS.items():
                if phrase.startswith(article) and name.kind != "person":
                    for other in fused:
                        phrases.setdefault(other + phrase[len(article) :], name)
        self.surnames = surnames(self.films)
        body = trie_regex(self.surnames)
        self.surname_pattern = re.compile(bounded(body)) if self.surnames else None
        self.by_phrase = phrases
        # Japanese and Chinese titles match inside running text, which has no spaces
        self.pattern = re.compile(bounded(trie_regex(phrases), "#")) if phrases else None

    def initialize(
        self,
        get_examples: Callable[[], Any] | None = None,
        *,
        nlp: Language | None = None,
        films: list[dict[str, Any]] | None = None,
    ) -> None:
        if films is not None:
            self.set_films(films)

    def __call__(self, doc: Doc) -> Doc:
        text, folded = text_of(doc), fold(text_of(doc))
        context = set(doc.user_data.get(CONTEXT_FILMS, ()))
        from_film_page = doc.user_data.get(SOURCE) in FILM_PAGE_SOURCES
        lang = doc._.buzz_lang or doc.lang_
        langs = tuple(sorted({lang, doc.user_data.get(DECLARED_LANG) or lang}))
        lex = load_lexicon(lang)
        film_talk = bool(
            (lex.film_words and lex.film_words.search(folded))
            or found_intents(doc, lang)  # "go see X", "torrent of X", "just watched X"
        )
        found = self._hashtags(text) + self._phrases(text, folded)
        people = {m["film"] for m in found if m["kind"] == "person"} | self._by_surname(folded)
        for mention in found:
            mention["confidence"] = round(
                self._confidence(mention, text, langs, context, people, film_talk), 3
            )
        doc._.buzz_mentions = found
        about = {m["film"] for m in found if m["confidence"] >= TITLE_CONFIDENCE}
        if from_film_page:
            about |= context
        doc._.buzz_about = [f["slug"] for f in self.films if f["slug"] in about]
        return doc

    def _by_surname(self, folded: str) -> set[str]:
        """Films one of whose people is named by surname alone ('Kore-eda', 'Hüller')."""
        if self.surname_pattern is None:
            return set()
        return {f for m in self.surname_pattern.finditer(folded) for f in self.surnames[m.group()]}

    def _hashtags(self, text: str) -> list[dict[str, Any]]:
        found = []
        for match in re.finditer(r"#(\w+)", text):
            name = self.hashtags.get(squash(match.group(1)))
            if name:
                found.append(_mention(name, match.start(), match.end(), text, "hashtag"))
        return found

    def _phrases(self, text: str, folded: str) -> list[dict[str, Any]]:
        if self.pattern is None:
            return []
        found = []
        for m in self.pattern.finditer(folded):
            name = self.by_phrase[m.group()]
            if name.generic and _COMPOUND.match(folded, m.end()):
                continue  # 'close-up', 'monster-sized': another word
            found.append(_mention(name, m.start(), m.end(), text, name.kind))
        return found

    def _confidence(
        self,
        mention: dict[str, Any],
        text: str,
        langs: tuple[str, ...],
        context: set[str],
        people: set[str],
        film_talk: bool,
    ) -> float:
        film, generic = mention["film"], mention.pop("generic")
        if mention["kind"] == "person":
            return 0.6
        if not generic:
            return 0.9 + (0.05 if film in context else 0.0)
        score = 0.35 if mention["kind"] == "hashtag" else 0.3
        start, end = mention["start"], mention["end"]
        if mention["kind"] != "hashtag" and _title_cased(text, start, end):
            score += 0.2
        if _quoted(text, start, end):
            score += 0.25
        if _as_subject(text, start, end, langs):
            score += 0.2
        score += 0.2 if film_talk else 0.0
        score += 0.2 if film in people else 0.0
        score += 0.15 if film in context else 0.0
        return min(score, 0.95)

    def state(self) -> Any:
        return {"films": self.films}

    def load_state(self, state: Any) -> None:
        self.set_films(state["films"])


def _mention(name: Name, start: int, end: int, text: str, kind: str) -> dict[str, Any]:
    return {
        "film": name.film,
        "text": text[start:end],
        "start": start,
        "end": end,
        "kind": kind,
        "generic": name.generic,
    }


def _at_sentence_start(text: str, start: int) -> bool:
    return not text[:start].strip() or text[:start].rstrip()[-1:] in ".!?\n"


def _title_cased(text: str, start: int, end: int) -> bool:
    """A capital that the sentence does not explain: 'Talk to Me', 'Vidas pasadas' or 'Monster'
    inside a sentence, 'L'Innocence' or 'des Chambres rouges'; not 'MONSTER' (shouting)."""
    found = text[start:end]
    words = found.replace("'", " ").replace("’", " ").split()
    capitals = [i for i, w in enumerate(words) if w[:1].isupper()]
    if not capitals or found.isupper():
        return False
    return capitals != [0] or not _at_sentence_start(text, start)


def _as_subject(text: str, start: int, end: int, langs: tuple[str, ...]) -> bool:
    """A title that opens a sentence with no article, followed by a verb ('Aftersun is mid',
    'Close c'est beau'), or that opens the post followed by reaction emoji ('Vidas pasadas 😭')."""
    if not _at_sentence_start(text, start):
        return False
    verbs = title_verbs(langs)
    if verbs is not None and verbs.match(text, end):
        return True
    return not text[:start].strip() and bool(_REACTION.match(text, end))


def _quoted(text: str, start: int, end: int) -> bool:
    return text[start - 1 : start] in _QUOTES and text[end : end + 1] in _QUOTES if start else False
