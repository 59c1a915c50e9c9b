"""Case and accent folding that keeps string length, so offsets in the folded text are offsets in the original."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_APOSTROPHES = {"’": "'", "‘": "'", "ʼ": "'"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    base = unicodedata.normalize("NFKD", char)[:1] or char
    folded = base.casefold()
    return folded if len(folded) == 1 else char.lower()


@lru_cache(maxsize=1024)  # components of one pipeline fold the same post text in turn
def fold(text: str) -> str:
    """Lower-case and strip accents character by character: len(fold(s)) == len(s)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ﬁ": "fi", "ﬂ": "fl", "\u00ad": None}
    | dict.fromkeys(("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"))
)


def normalise_text(text: str) -> str:
    """The text the NLP reads: ligatures spelt out ('chef-d'œuvre' -> "chef-d'oeuvre"),
    soft hyphens and zero-width characters removed ('mer\u00adveil\u00adleux'). Not
    length-preserving: offsets of mentions refer to this text, not to the stored one."""
    return text.translate(_LIGATURES) if not text.isascii() else text


def squash(text: str) -> str:
    """Fold and keep only letters and digits: 'Les Chambres rouges' -> 'leschambresrouges' (hashtag form)."""
    return "".join(c for c in fold(text) if c.isalnum())
