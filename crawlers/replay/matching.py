"""How the replayed search endpoints decide that a post matches a query (roughly, like the real ones)."""

from __future__ import annotations

import re

from nlp.boundaries import bounded
from nlp.folding import fold

_PHRASE = re.compile(r'"([^"]+)"|(#\w+)|([^\s()"]+)')
_OPERATORS = {"or", "and", "not"}


def terms(query: str) -> list[str]:
    """Quoted phrases, hashtags and bare words of a query, folded; `-x` and `key:value` dropped."""
    found = []
    for phrase, tag, word in _PHRASE.findall(query):
        if phrase:
            found.append(fold(phrase))
        elif tag:
            found.append(fold(tag))
        elif (
            word and not word.startswith("-") and ":" not in word and word.lower() not in _OPERATORS
        ):
            found.append(fold(word))
    return found


def matches(query: str, *texts: str) -> bool:
    """Any of the query's terms appears, as a whole word or phrase (CJK: anywhere), in one of the texts."""
    haystack = fold(" ".join(texts))
    return any(re.search(bounded(re.escape(t)), haystack) for t in terms(query))
