"""Lexicon sentiment of a stretch of text: negation, intensifiers, contrast clauses, genre praise, emoji."""

from __future__ import annotations

import math
import re

from nlp.folding import fold
from nlp.lexicon import Lexicon

_WORDS = re.compile(r"\w+(?:'\w+)?")
NEGATION_WINDOW = 3
NEGATION_FLIP = -0.7
BEFORE_CONTRAST, AFTER_CONTRAST = 0.6, 1.4
GENRE_PRAISE_WEIGHT = 1.5
NORMALISER = 6.0
THRESHOLD = 0.12


def raw_score(lex: Lexicon, text: str, genres: frozenset[str] = frozenset()) -> float:
    """Sum of word weights in `text`, each shaped by the words just before it."""
    folded = fold(text)
    praise = set().union(*(lex.genre_praise.get(g, set()) for g in genres)) if genres else set()
    total = 0.0
    for start, end, weight in _clauses(lex, folded):
        total += weight * _clause_score(lex, folded, start, end, praise)
    emoji = lex.emoji if not text.isascii() else lex.ascii_emoji  # ASCII text: only ":)", "<3"…
    total += sum(w * min(text.count(e), 3) for e, w in emoji.items() if e in text)
    return total * (1.1 if "!" in text else 1.0)


def normalise(raw: float) -> float:
    """Map an unbounded sum into [-1, 1]."""
    return raw / math.sqrt(raw * raw + NORMALISER)


def label(score: float) -> str:
    return "pos" if score > THRESHOLD else "neg" if score < -THRESHOLD else "neu"


def _clauses(lex: Lexicon, folded: str) -> list[tuple[int, int, float]]:
    """Clauses split at contrast words ('but', 'mais'…): what follows weighs more than what precedes."""
    cuts = (
        [m.start() for m in lex.contrast_pattern.finditer(folded)] if lex.contrast_pattern else []
    )
    if not cuts:
        return [(0, len(folded), 1.0)]
    bounds = [0, *cuts, len(folded)]
    last = len(bounds) - 2
    return [
        (bounds[i], bounds[i + 1], AFTER_CONTRAST if i == last else BEFORE_CONTRAST)
        for i in range(last + 1)
    ]


def _clause_score(lex: Lexicon, folded: str, start: int, end: int, praise: set[str]) -> float:
    if lex.polarity_pattern is None:
        return 0.0
    score = 0.0
    window_start = start  # a negator before an earlier opinion word does not reach this one
    for match in lex.polarity_pattern.finditer(folded, start, end):
        word = match.group()
        weight = GENRE_PRAISE_WEIGHT if word in praise else lex.polarity.get(word, 0.0)
        if not weight:
            continue
        window = folded[max(window_start, match.start() - 40) : match.start()]
        before = _WORDS.findall(window)[-NEGATION_WINDOW:]
        weight *= _modifier(lex, before)
        if _negated(lex, before, window):
            weight *= NEGATION_FLIP
        score += weight
        window_start = match.end()
    return score


def _modifier(lex: Lexicon, before: list[str]) -> float:
    for size in (2, 1):  # "a bit", "un peu" before "very", "trop"
        phrase = " ".join(before[-size:])
        if len(before) >= size and phrase in lex.modifiers:
            return lex.modifiers[phrase]
    return 1.0


def _negated(lex: Lexicon, before: list[str], window: str) -> bool:
    if any(w in lex.negators or w.endswith("n't") for w in before):
        return True
    return any(" " in n and n in window for n in lex.negators)
