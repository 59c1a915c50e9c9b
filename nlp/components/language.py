"""`buzz_language`: the language of each post, detected with lingua, the declared language as fallback."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage
from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import DECLARED_LANG

DEFAULT_LANGUAGES = ["en", "fr", "pt", "es", "de", "it", "ja", "ko", "zh"]
UNKNOWN = "und"


@cache
def detector(codes: tuple[str, ...]) -> LanguageDetector:
    languages = [
        LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes
    ]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def detect(
    texts: Sequence[str],
    declared: Sequence[str | None],
    codes: tuple[str, ...] = tuple(DEFAULT_LANGUAGES),
    min_confidence: float = 0.5,
) -> list[str]:
    """One code per text; below `min_confidence` the declared language wins, else 'und'."""
    results = detector(codes).compute_language_confidence_values_in_parallel(list(texts))
    found = []
    for values, hint in zip(results, declared, strict=True):
        best = values[0] if values else None
        if best is not None and best.value >= min_confidence:
            found.append(best.language.iso_code_639_1.name.lower())
        else:
            found.append((hint or UNKNOWN).lower())
    return found


class LanguageDetectorComponent:
    """Sets `doc._.buzz_lang` unless a caller already did (the analyzer detects in batches first)."""

    def __init__(self, languages: list[str], min_confidence: float) -> None:
        self.codes = tuple(languages)
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        if doc._.buzz_lang is None:
            hint = doc.user_data.get(DECLARED_LANG)
            doc._.buzz_lang = detect([doc.text], [hint], self.codes, self.min_confidence)[0]
        return doc


@Language.factory(
    "buzz_language",
    assigns=["doc._.buzz_lang"],
    default_config={"languages": DEFAULT_LANGUAGES, "min_confidence": 0.5},
)
def make_language_detector(
    nlp: Language, name: str, languages: list[str], min_confidence: float
) -> LanguageDetectorComponent:
    return LanguageDetectorComponent(languages, min_confidence)
