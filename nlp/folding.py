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


def squash(text: str) -> str:
    """Fold and keep only letters and digits: 'Les Chambres rouges' -> 'leschambresrouges' (hashtag form)."""
    return "".join(c for c in fold(text) if c.isalnum())
