"""Terms and phrases that rose: words and 2–3 word phrases whose share of posts grew most.

A term's count is the number of posts holding it (once per post). Against a baseline, a term
is expected to keep its share of posts: in a period of N posts it is expected in
N × (its baseline share) of them, and it "rose" by its count minus that. Sharing the share, not
the count, keeps common words and the film's own title from rising with every spike.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import runpy
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

MAX_WORDS = 3
MIN_POSTS = 2  # a term in one post is an anecdote
# Words may hold an apostrophe ("director's"); phrases never cross punctuation.
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_BREAK = re.compile(r"[.!?;:,()\[\]{}\"“”«»|/\n—–]+|\s-\s")


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """Common words of a language, and of English (posts mix it in), which never start or end
    a term: spaCy's lists, read from their data files (importing spaCy costs a second)."""
    return _spacy_list(language) | _spacy_list("en")


@functools.cache
def _spacy_list(language: str) -> frozenset[str]:
    spec = importlib.util.find_spec("spacy")
    folders = spec.submodule_search_locations if spec else None
    if not folders or not language.isalpha():
        return frozenset()
    path = Path(next(iter(folders))) / "lang" / language / "stop_words.py"
    found = runpy.run_path(str(path)).get("STOP_WORDS", ()) if path.is_file() else ()
    return frozenset(str(word) for word in found)


def post_terms(title: str | None, text: str | None, language: str) -> set[str]:
    """The distinct terms of one post: words and phrases of up to MAX_WORDS words that
    neither start nor end with a common word (or a number); a lone word has 3 letters or more."""
    common = stop_words(language)
    terms: set[str] = set()
    for part in _BREAK.split(f"{title or ''}\n{text or ''}".casefold()):
        words = [w.replace("’", "'") for w in _WORD.findall(part)]
        # Whether each word may start or end a term, decided once per word, not per phrase.
        edge = [w not in common and not w.isdigit() for w in words]
        for i, word in enumerate(words):
            if not edge[i]:
                continue
            if len(word) > 2:
                terms.add(word)
            for end in range(i + 1, min(i + MAX_WORDS, len(words))):
                if edge[end]:
                    terms.add(" ".join(words[i : end + 1]))
    return terms


def term_counts(texts: pd.DataFrame) -> Counter[str]:
    """Posts holding each term (columns lang, title, text)."""
    counts: Counter[str] = Counter()
    for row in texts.itertuples(index=False):
        counts.update(post_terms(_text(row.title), _text(row.text), str(row.lang or "und")))
    return counts


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Term:
    """A term of the period: `posts` holding it (estimated from the sample when the period had
    more posts than were read), `expected` at its baseline share, `per_day_before` in the
    baseline."""

    text: str
    posts: int
    expected: float
    per_day_before: float

    @property
    def rise(self) -> float:
        return self.posts - self.expected


@dataclass(frozen=True)
class Sample:
    """Term counts over `read` posts of a span that had `total` posts over `days` days."""

    counts: Counter[str]
    read: int
    total: int
    days: int

    def share(self, term: str) -> float:
        return self.counts.get(term, 0) / self.read if self.read else 0.0


def names_of(names: Iterable[str]) -> frozenset[str]:
    """A film's names as terms never to report (they say which film, not why): each name's
    words, and each name written as one word, as in a hashtag."""
    found: set[str] = set()
    for name in names:
        words = [w.replace("’", "'") for w in _WORD.findall(name.casefold().lstrip("#"))]
        found.update(words)
        found.add("".join(words))
    return frozenset(found)


def risen(
    period: Sample, baseline: Sample, limit: int = 8, names: frozenset[str] = frozenset()
) -> list[Term]:
    """The terms whose count rose most above their baseline share, longest phrase first on
    ties; a term inside a kept phrase that rose no more than it is left out (it is the phrase);
    terms made only of the film's `names` are never reported."""
    candidates = []
    for text, seen in period.counts.items():
        if seen < MIN_POSTS or all(word in names for word in text.split()):
            continue
        posts = round(seen * period.total / period.read)
        expected = baseline.share(text) * period.total
        if posts > expected:
            per_day = baseline.share(text) * baseline.total / max(baseline.days, 1)
            candidates.append(Term(text, posts, expected, per_day))
    candidates.sort(key=lambda t: (-t.rise, -len(t.text.split()), t.text))
    return _without_parts(candidates, limit)


def _without_parts(ranked: Iterable[Term], limit: int) -> list[Term]:
    kept: list[Term] = []
    for term in ranked:
        if not any(_inside(term, phrase) for phrase in kept):
            kept.append(term)
        if len(kept) == limit:
            break
    return kept


def _inside(term: Term, phrase: Term) -> bool:
    words, whole = term.text.split(), phrase.text.split()
    if len(words) >= len(whole) or term.rise > phrase.rise * 1.25:
        return False
    return any(whole[i : i + len(words)] == words for i in range(len(whole) - len(words) + 1))
