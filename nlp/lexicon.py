"""Per-language lexicons (sentiment words, negators, intents, aspects…) compiled for fast matching.

All matching runs on folded text (see `nlp.folding`), whose offsets equal the original's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from nlp.errors import LexiconError
from nlp.folding import fold

LEXICON_DIR = Path(str(files("nlp") / "lexicons"))
LANGUAGES = ("en", "fr", "pt", "es")
_REQUIRED = ("positive", "negative", "negators", "intensifiers", "contrast", "intents", "aspects")


def phrase_pattern(phrases: Any) -> re.Pattern[str] | None:
    """One regex for many phrases, longest match first, on word boundaries."""
    folded = {fold(p).strip() for p in phrases if p and p.strip()}
    if not folded:
        return None
    return re.compile(rf"(?<!\w){trie_regex(folded)}(?!\w)")


def trie_regex(phrases: Iterable[str]) -> str:
    """The phrases as a character trie ('cat|car' -> 'ca(?:r|t)'): Python's `re` tries a flat
    alternation's branches one by one at every position, a trie only the one that fits.
    Optional tails are greedy, so the longest phrase that ends on a word boundary wins."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: dict[str, Any]) -> str:
    branches = [
        re.escape(char) + _node_regex(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    single = len(body) == 1 or (len(body) == 2 and body[0] == "\\")  # one (escaped) character
    return f"{body}?" if single else f"(?:{body})?"


@dataclass
class Lexicon:
    """One language's lexicon, plus the shared emoji weights."""

    lang: str
    polarity: dict[str, float]
    negators: set[str]
    modifiers: dict[str, float]
    contrast: set[str]
    genre_praise: dict[str, set[str]]
    film_words: re.Pattern[str] | None
    intents: dict[str, re.Pattern[str]]
    aspects: dict[str, re.Pattern[str]]
    emoji: dict[str, float]
    # verbs that follow a title opening a sentence ('is', 'me pareció'): lower case, accents kept
    title_verbs: frozenset[str] = frozenset()
    # phrases that make a place named next to them the audience's ('here in', 'chega ao')
    territory: dict[str, list[str]] = field(default_factory=dict)
    polarity_pattern: re.Pattern[str] | None = field(init=False)
    contrast_pattern: re.Pattern[str] | None = field(init=False)
    any_aspect: re.Pattern[str] | None = field(init=False)
    ascii_emoji: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        praise = {w for words in self.genre_praise.values() for w in words}
        self.polarity_pattern = phrase_pattern(set(self.polarity) | praise)
        self.contrast_pattern = phrase_pattern(self.contrast)
        self.ascii_emoji = {e: w for e, w in self.emoji.items() if e.isascii()}
        # one search tells whether a post names any aspect at all (most do not)
        self.any_aspect = (
            re.compile("|".join(p.pattern for p in self.aspects.values())) if self.aspects else None
        )

    @classmethod
    def from_dict(cls, lang: str, data: dict[str, Any], common: dict[str, Any]) -> Lexicon:
        missing = [k for k in _REQUIRED if k not in data]
        if missing:
            raise LexiconError(f"lexicon {lang!r}: missing key {missing[0]!r}")
        polarity = {fold(k): float(v) for k, v in data["positive"].items()}
        polarity |= {fold(k): -float(v) for k, v in data["negative"].items()}
        modifiers = {fold(k): float(v) for k, v in data["intensifiers"].items()}
        modifiers |= {fold(k): float(v) for k, v in data.get("diminishers", {}).items()}
        return cls(
            lang=lang,
            polarity=polarity,
            negators={fold(n) for n in data["negators"]},
            modifiers=modifiers,
            contrast={fold(c) for c in data["contrast"]},
            genre_praise={
                g: {fold(w) for w in ws} for g, ws in data.get("genre_praise", {}).items()
            },
            film_words=phrase_pattern(data.get("film_words", [])),
            intents={k: p for k, v in data["intents"].items() if (p := phrase_pattern(v))},
            aspects={k: p for k, v in data["aspects"].items() if (p := phrase_pattern(v))},
            emoji={k: float(v) for k, v in common.get("emoji", {}).items()},
            territory={k: [fold(p) for p in v] for k, v in data.get("territory", {}).items()},
            title_verbs=frozenset(
                v.strip().lower().replace("’", "'")
                for v in data.get("title_verbs", [])
                if v.strip()
            ),
        )


def read_json(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file not found") from None
    except ValueError as exc:
        raise LexiconError(f"{path}: not valid JSON ({exc})") from None


@cache
def load_lexicon(lang: str, folder: Path = LEXICON_DIR) -> Lexicon:
    """The bundled lexicon for `lang`, English for languages we have no lexicon for."""
    lang = lang if lang in LANGUAGES else "en"
    return Lexicon.from_dict(
        lang, read_json(folder / f"{lang}.json"), read_json(folder / "common.json")
    )
