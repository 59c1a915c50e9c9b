"""Bounds on the work one post can cost the NLP, whatever a stranger writes.

- The NLP reads the beginning of a post: at most `MAX_NLP_CHARS` characters and
  `MAX_NLP_TOKENS` tokens (what the components' time grows with: about 1,200 characters of
  prose, fewer of emoji), and language detection its first `DETECT_CHARS`. The lake keeps the
  whole text and marks the post `text_truncated`.
- A run of one character longer than `MAX_RUN` ("!!!!!!!!!!!!", 16,000 "😀", 200,000 "x") is
  shortened to `MAX_RUN` before language detection and tokenising; an elongated word keeps
  enough of its run to read as elongated.
- spaCy's tokenizer strips affixes (punctuation, emoji) from a whitespace-free chunk one at a
  time, and at each step searches the suffix pattern over the whole rest of the chunk and copies
  it: quadratic in the chunk's length (16,000 "#" took 19 s, a 5 MB token minutes).
  `bound_tokenizer` makes it search only the chunk's last `SUFFIX_TAIL` characters, longer than
  any suffix the rules can match (the tokens are the same), and `bound_text` breaks chunks longer
  than `MAX_CHUNK` characters with a space, so the copies stay short.

Offsets the NLP finds (film mentions) are in the bounded text; `Bounded.original` maps them
back to the post's own text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import TEXT

TRUNCATED = "buzz_truncated"

MAX_NLP_CHARS = 2000
MAX_NLP_TOKENS = 250
DETECT_CHARS = 500  # lingua's time grows with the text; its answer does not change past this
MAX_RUN = 8
MAX_CHUNK = 64  # longer than a hashtag or a word; a long URL gets cut in two
SUFFIX_TAIL = 16
# Runs are collapsed over at most this many times `limit` characters of a text: enough to fill
# the limit unless the text is mostly runs, and a 5 MB post costs no more than a 64 kB one.
_SCAN_FACTOR = 32
_RUN = re.compile(rf"(.)\1{{{MAX_RUN},}}", re.DOTALL)
_CHUNK = re.compile(rf"\S{{{MAX_CHUNK}}}(?=\S)")


@dataclass(frozen=True, slots=True)
class Bounded:
    """What the NLP reads of a text, and how to find its offsets in the original."""

    text: str
    truncated: bool
    # (offset in the collapsed text where characters were removed, how many up to there)
    removed: tuple[tuple[int, int], ...] = field(default=())
    # offsets in `text` of the spaces put in to break long chunks
    breaks: tuple[int, ...] = field(default=())

    def original(self, offset: int) -> int:
        """The offset in the original text of `offset` in the bounded one."""
        offset -= bisect_right(self.breaks, offset - 1)
        index = bisect_right(self.removed, (offset, float("inf"))) - 1
        return offset + (self.removed[index][1] if index >= 0 else 0)


def bound_text(text: str, limit: int = MAX_NLP_CHARS) -> Bounded:
    """`text` with long runs collapsed, cut to `limit` characters, long chunks broken."""
    collapsed, removed = _collapse_runs(text, limit)
    truncated = len(collapsed) > limit or len(text) > _SCAN_FACTOR * limit
    pieces: list[str] = []
    breaks: list[int] = []
    position = 0
    for match in _CHUNK.finditer(collapsed[:limit]):
        pieces.append(collapsed[position : match.end()])
        breaks.append(match.end() + len(breaks))
        position = match.end()
    pieces.append(collapsed[position:limit])
    return Bounded(" ".join(pieces), truncated, removed, tuple(breaks))


def _collapse_runs(text: str, limit: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    scanned = text[: _SCAN_FACTOR * limit]
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []
    kept = removed = position = 0
    for match in _RUN.finditer(scanned):
        start, end = match.span()
        pieces.append(scanned[position : start + MAX_RUN])
        kept += start + MAX_RUN - position
        removed += end - start - MAX_RUN
        shifts.append((kept, removed))
        position = end
        if kept >= limit:
            break
    pieces.append(scanned[position:])
    return "".join(pieces), tuple(shifts)


class _TailSuffixSearch:
    """`pattern.search` over the last `tail` characters only (absolute offsets, same matches
    for every suffix shorter than `tail`). `__self__` is what spaCy serialises."""

    def __init__(self, pattern: re.Pattern[str], tail: int) -> None:
        self.__self__ = pattern
        self.tail = tail

    def __call__(self, string: str) -> re.Match[str] | None:
        return self.__self__.search(string, max(0, len(string) - self.tail))


def bound_tokenizer(pipeline: Language, tail: int = SUFFIX_TAIL) -> Language:
    """Make `pipeline`'s tokenizer linear on long whitespace-free chunks (see the module doc)."""
    tokenizer: Any = pipeline.tokenizer
    search = tokenizer.suffix_search
    pattern = getattr(search, "__self__", None)
    if isinstance(pattern, re.Pattern) and not isinstance(search, _TailSuffixSearch):
        tokenizer.suffix_search = _TailSuffixSearch(pattern, tail)
    return pipeline


def bounded_doc(pipeline: Language, text: str, max_tokens: int = MAX_NLP_TOKENS) -> Doc:
    """The doc of `text`, cut after `max_tokens` tokens (then `user_data[TRUNCATED]` is set)."""
    doc = pipeline.make_doc(text)
    if len(doc) > max_tokens:
        text = text[: doc[max_tokens].idx].rstrip()
        doc = pipeline.make_doc(text)
        doc.user_data[TRUNCATED] = True
    doc.user_data[TEXT] = text
    return doc


def restore_offsets(mentions: list[dict[str, Any]], bounded: Bounded) -> list[dict[str, Any]]:
    """Mentions with `start`/`end` moved from the bounded text to the original one."""
    if not bounded.removed and not bounded.breaks:
        return mentions
    return [
        {**m, "start": bounded.original(m["start"]), "end": bounded.original(m["end"])}
        for m in mentions
    ]
