"""The `buzz_*` spaCy factories, registered without loading the components.

This is the module the `spacy_factories` entry points name. spaCy loads every entry point of
that group in any program that looks a factory up, so this module imports spaCy only: the
components (lingua, the sentiment models, the lexicons) are imported when a pipeline actually
adds one of them. Another spaCy program in the same environment never pays for them, and
does not fail if one of our dependencies is missing.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language

DEFAULT_LANGUAGES = ["en", "fr", "pt", "es", "de", "it", "ja", "ko", "zh"]


@Language.factory(
    "buzz_language",
    assigns=["doc._.buzz_lang"],
    default_config={"languages": DEFAULT_LANGUAGES, "min_confidence": 0.5},
)
def make_language_detector(
    nlp: Language, name: str, languages: list[str], min_confidence: float
) -> Any:
    from nlp.components.language import LanguageDetectorComponent

    return LanguageDetectorComponent(languages, min_confidence)


@Language.factory(
    "buzz_film_mentions",
    assigns=["doc._.buzz_mentions", "doc._.buzz_about"],
    default_config={},
)
def make_film_mentions(nlp: Language, name: str) -> Any:
    from nlp.components.mentions import FilmMentions

    return FilmMentions()


@Language.factory("buzz_sentiment", assigns=["doc._.buzz_sentiment"], default_config={})
def make_sentiment(nlp: Language, name: str) -> Any:
    from nlp.components.sentiment import FilmSentiment

    return FilmSentiment()


@Language.factory(
    "buzz_cues",
    assigns=["doc._.buzz_intents", "doc._.buzz_aspects"],
    default_config={},
)
def make_cues(nlp: Language, name: str) -> Any:
    from nlp.components.cues import Cues

    return Cues(nlp)


@Language.factory(
    "buzz_territory", assigns=["doc._.buzz_country", "doc._.buzz_places"], default_config={}
)
def make_territory(nlp: Language, name: str) -> Any:
    from nlp.components.territory import Territory

    return Territory()
