"""Ratings people write in a post: star glyphs ('★★★½'), '4/5', '8/10', and in words in every
language we read ('4 étoiles', 'cuatro estrellas', 'sete de dez', 'four out of five')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlp.folding import fold
from nlp.lexicon import LEXICON_DIR, read_json

# a cheap test before any regex: most posts have none of these
_HINTS = re.compile(r"[/★⭐]|\d|\b(?:stars?|etoiles?|estrellas?|estrelas?|out of|sur|de|em|en)\b")


@dataclass(frozen=True)
class RatingPatterns:
    stars: dict[str, float]
    star_pattern: re.Pattern[str]
    scales: list[tuple[re.Pattern[str], float]]
    numbers: dict[str, int]


@cache
def patterns() -> RatingPatterns:
    common = read_json(LEXICON_DIR / "common.json")
    stars = {k: float(v) for k, v in common["stars"].items() if "★" in k or "⭐" in k}
    body = "|".join(re.escape(s) for s in sorted(stars, key=len, reverse=True))
    numbers = {fold(w): int(n) for w, n in common["number_words"].items()}
    words = "|".join(sorted(map(re.escape, numbers), key=len, reverse=True))
    scales = [
        (
            re.compile(rf"(?<![\w.,]){p['pattern'].replace('NUMBER', words)}(?![\d])"),
            float(p["scale"]),
        )
        for p in common["rating_patterns"]
    ]
    return RatingPatterns(stars, re.compile(rf"(?:{body})½?"), scales, numbers)


def rating_in_text(text: str) -> float | None:
    """A 0-5 rating the author wrote, or None when there is none."""
    folded = fold(text)
    if not _HINTS.search(folded):
        return None
    found = patterns()
    if ("★" in text or "⭐" in text) and (match := found.star_pattern.search(text)):
        glyphs = match.group()
        half = 0.5 if glyphs.endswith("½") and glyphs not in found.stars else 0.0
        return found.stars.get(glyphs, found.stars.get(glyphs.rstrip("½"), 0.0)) + half
    for pattern, scale in found.scales:
        for match in pattern.finditer(folded):
            number = match.group(1)
            value = float(
                found.numbers.get(number, 0) if number.isalpha() else number.replace(",", ".")
            )
            if 0 <= value <= scale:
                return value * 5.0 / scale
    return None
