"""Words for search, the same in every store: tokens, Snowball stems per post language, matches.

A post's title and text are split into words (`\\w+`, case folded) and each word is stemmed
with the Snowball stemmer of the post's language ("streaming" → "stream" in English), so a
search for "stream" finds "streams", "streamed" and "streaming". Languages without a stemmer
keep their words as they are. A searched word is stemmed in every language, and matches a post
when the post holds the stem of the post's own language.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import snowballstemmer

WORD = re.compile(r"\w+")
# ISO 639-1 code (as posts carry them) → Snowball algorithm.
STEMMERS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish",
    "fr": "french", "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "nb": "norwegian", "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip
STEMMED = tuple(sorted(STEMMERS))
DERIVED = pa.schema([pa.field("stems", pa.list_(pa.string())), pa.field("followers", pa.int64())])


def tokens(text: str | None) -> list[str]:
    """The words of a text, case folded; punctuation is not a word."""
    return WORD.findall((text or "").casefold())


@functools.cache
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    algorithm = STEMMERS.get(language)
    return snowballstemmer.stemmer(algorithm) if algorithm else None


class _Stems:
    """Stems per language, remembered: a corpus repeats the same few thousand words."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, str]] = {}

    def of(self, words: Sequence[str], language: str) -> list[str]:
        stemmer = _stemmer(language)
        if stemmer is None:
            return list(words)
        known = self.known.setdefault(language, {})
        fresh = [w for w in set(words) if w not in known]
        if fresh:
            known.update(zip(fresh, stemmer.stemWords(fresh), strict=True))
        return [known[w] for w in words]


def post_stems(
    title: str | None, text: str | None, language: str, stems: _Stems | None = None
) -> list[str]:
    """The distinct stems of a post's title and text, sorted."""
    words = tokens(title) + tokens(text)
    return sorted(set((stems or _Stems()).of(words, language)))


def followers(extras: str | None) -> int | None:
    """The author's follower count, where the source gives one (`extras.followers`)."""
    if not extras or '"followers"' not in extras:
        return None
    try:
        value = json.loads(extras).get("followers")
    except (ValueError, AttributeError):
        return None
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def derived_columns(table: pa.Table) -> pa.Table:
    """Columns every store adds to a post (DERIVED): its stems and its author's followers."""
    stems = _Stems()
    rows = table.select(["title", "text", "detected_lang", "lang", "extras"]).to_pylist()
    return pa.table(
        {
            "stems": [
                post_stems(r["title"], r["text"], r["detected_lang"] or r["lang"] or "und", stems)
                for r in rows
            ],
            "followers": [followers(r["extras"]) for r in rows],
        },
        schema=DERIVED,
    )


@dataclass(frozen=True)
class WordMatch:
    """How one searched word is found: `by_stem` maps a stem to the post languages it is
    searched in; posts in any other language must hold `plain`, the word itself."""

    plain: str
    by_stem: tuple[tuple[str, tuple[str, ...]], ...]


def word_matches(text: str | None) -> list[WordMatch]:
    """Every searched word (all are required), with its stem in each stemmed language."""
    return [_match(word) for word in dict.fromkeys(tokens(text))]


@functools.cache
def _match(word: str) -> WordMatch:
    groups: dict[str, list[str]] = {}
    for language in STEMMED:
        groups.setdefault(_Stems().of([word], language)[0], []).append(language)
    return WordMatch(word, tuple((stem, tuple(langs)) for stem, langs in sorted(groups.items())))
