"""Generic film titles: the evidence that makes them count, and intents that mean 'watched'."""

from __future__ import annotations

import pytest
from spacy.language import Language

from nlp.components import DECLARED_LANG
from nlp.pipeline import build_pipeline
from pipeline.config import Config
from tests.test_nlp import config, run

__all__ = ["config"]


@pytest.fixture(scope="module")
def pipelines(config: Config) -> dict[str, Language]:
    return {lang: build_pipeline(lang, config.films) for lang in ("en", "fr", "pt", "es")}


@pytest.mark.parametrize(
    ("lang", "text", "about"),
    [
        # a bare generic title as a sentence's subject, followed by a verb
        ("en", "Monster is way better than everyone told me.", ["monster"]),
        ("en", "Honestly? Monster didn't do much for me.", ["monster"]),
        ("es", "Monster me dejó pensando toda la semana.", ["monster"]),
        ("fr", "Monster n'est pas à la hauteur de ses promesses.", ["monster"]),
        ("pt", "Monster é bom demais, tô pensando nele até agora.", ["monster"]),
        ("en", "Monster trucks are loud as hell.", []),
        ("pt", "Monster e Red Bull juntos, péssima ideia.", []),
        ("en", "Past lives and karma, my two favourite topics.", []),
        # a title heading the post, then reactions
        ("en", "Monster 😭💔 still thinking about it", ["monster"]),
        ("fr", "Monster : deux gamins, trois regards, aucun méchant.", ["monster"]),
        # capitals that the sentence start does not explain
        ("es", "Nunca pensé que lloraría tanto con Vidas pasadas.", ["past-lives"]),
        ("fr", "L'Innocence m'a retourné le cerveau.", ["monster"]),
        ("fr", "Le rythme des Chambres rouges est glaçant.", ["red-rooms"]),
        ("pt", "acredito em vidas passadas, sério", []),
        ("en", "That Monster-sized burger was a mistake.", []),
        # long plain-word titles need evidence too
        ("fr", "Il a repeint les chambres rouges du premier étage.", []),
    ],
)
def test_generic_titles_count_with_grammatical_evidence(
    pipelines: dict[str, Language], lang: str, text: str, about: list[str]
) -> None:
    doc = run(pipelines[lang], text, **{DECLARED_LANG: lang})
    assert doc._.buzz_about == about, doc._.buzz_mentions


def test_subject_verbs_of_the_declared_language_count_when_detection_misses(
    pipelines: dict[str, Language],
) -> None:
    doc = run(pipelines["en"], "Monster é meh", **{DECLARED_LANG: "pt"})
    assert doc._.buzz_about == ["monster"]


@pytest.mark.parametrize(
    ("lang", "text", "watched"),
    [
        ("en", "Way too loud for me. 3/10", True),
        ("fr", "Trop bruyant, trop long. ★★", True),
        ("es", "Demasiado ruido y pocas ideas. 2/5", True),
        ("pt", "Saí agora da sessão e ainda estou tremendo.", True),
        ("es", "Acabo de salir de la sesión y no puedo hablar.", True),
        ("en", "Can't wait to see it, the poster alone is a 10.", False),
    ],
)
def test_watched_from_written_ratings_and_screenings(
    pipelines: dict[str, Language], lang: str, text: str, watched: bool
) -> None:
    doc = run(pipelines[lang], text, **{DECLARED_LANG: lang})
    assert ("watched" in doc._.buzz_intents) is watched, doc._.buzz_intents
