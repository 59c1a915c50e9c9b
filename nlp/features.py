"""Features of a stretch of text for the sentiment model, shared by training and prediction.

Text is folded (see `nlp.folding`), split into tokens (words, emoji, punctuation), and each
token is weighted by where it stands: inside a negation scope it becomes `!word`, and before a
contrast word ("but", "mais", "pero") it counts less than after it. Word unigrams and bigrams
are then scaled sublinearly and L2-normalised, so a tweet and a long review score on one scale.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from nlp.folding import fold
from nlp.lexicon import Lexicon

TOKEN = re.compile(
    r"https?://\S+"
    r"|[#@]?\w+(?:['’]\w+)*"
    r"|[!?]+"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2764]"
    r"|[.,;:()]"
)
_REPEAT = re.compile(r"(\w)\1{2,}")
_STOPS = frozenset(".,;:!?()")
# punctuation that says nothing of an opinion: counted, it lets a small corpus learn post length
# and sentence count as sentiment ('.' and ',' turned strongly negative in Spanish)
_SILENT = frozenset(".,;:()")
_SPECIAL = frozenset("h@0123456789")
BEFORE_CONTRAST = 0.5
MAX_NEGATION = 4


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What the tokenizer must know of a language: negators and contrast words (single tokens)."""

    negators: frozenset[str]
    contrast: frozenset[str]

    @classmethod
    def of(cls, lex: Lexicon) -> Vocabulary:
        negators = {n for n in lex.negators if " " not in n}
        contrast = {c for c in lex.contrast if " " not in c}
        return cls(frozenset(negators), frozenset(contrast))


def tokens(folded: str) -> list[str]:
    """Normalised tokens of folded text: links and handles collapsed, 'soooo' -> 'soo'."""
    found = TOKEN.findall(_REPEAT.sub(r"\1\1", folded))
    for index, token in enumerate(found):
        if token[0] in _SPECIAL:
            if token.startswith("http"):
                found[index] = "<url>"
            elif token[0] == "@":
                found[index] = "@user"
            elif token.isdigit():
                found[index] = "<num>"
    return found


def marked(toks: list[str], vocab: Vocabulary) -> Iterator[tuple[str, float]]:
    """Each token with its negation mark and its weight (lower before a contrast word)."""
    last_contrast = max((i for i, t in enumerate(toks) if t in vocab.contrast), default=-1)
    negated = 0
    for index, token in enumerate(toks):
        weight = BEFORE_CONTRAST if index < last_contrast else 1.0
        if token in _STOPS or token in vocab.contrast:
            negated = 0
        elif negated:
            negated -= 1
            yield "!" + token, weight
            continue
        if token in vocab.negators or token.endswith("n't"):
            negated = MAX_NEGATION
        yield token, weight


def ngrams(text: str, vocab: Vocabulary, drop: Collection[str] = ()) -> dict[str, float]:
    """Unigram and bigram counts of `text`, weighted, without the tokens in `drop`."""
    toks = tokens(fold(text))
    counts: dict[str, float] = {}
    previous = "<s>"
    for token, weight in marked(toks, vocab):
        bare = token.lstrip("!")
        if bare in drop:
            previous = "<s>"
            continue
        if token not in _SILENT:
            counts[token] = counts.get(token, 0.0) + weight
        if bare not in _STOPS:
            bigram = f"{previous} {bare}"
            counts[bigram] = counts.get(bigram, 0.0) + weight
            previous = bare
        else:
            previous = "<s>"
    if toks and toks[-1] in _STOPS and toks[-1] != ".":
        counts[f"<end>{toks[-1][:1]}"] = 1.0
    return counts


def normalised(counts: dict[str, float]) -> dict[str, float]:
    """Sublinear term frequency (1 + log tf), then unit L2 norm."""
    scaled = {k: 1.0 + math.log(v) if v >= 1.0 else v for k, v in counts.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    return {k: v / norm for k, v in scaled.items()}


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences: cut after . ! ? … and line breaks."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def clauses(text: str, contrast: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Character spans of clauses: sentences cut again at commas, semicolons, dashes and
    before contrast words ('but', 'mais', 'pero')."""
    spans = []
    for start, end in sentences(text):
        cuts = [m.end() for m in _CLAUSE_BREAK.finditer(text, start, end)]
        if contrast is not None:
            cuts += [m.start() for m in contrast.finditer(text, start, end)]
        bounds = sorted({start, *cuts, end})
        spans += [(a, b) for a, b in itertools.pairwise(bounds) if text[a:b].strip()]
    return spans


_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s[—–-]\s")
_SENTENCE_END = re.compile(r"(?:[.!?…]+[\"'”»)]*\s+)|\n+")
