"""Audience territory and the places a post names, ratings in words, clauses and performers."""

from __future__ import annotations

import pytest
from spacy.language import Language

from nlp.components import AUTHOR_LOCATION
from nlp.folding import normalise_text
from nlp.pipeline import Analyzer, PostInput, build_pipeline
from nlp.places import country_of_place
from pipeline.config import Config
from tests.test_nlp import run


@pytest.fixture(scope="module")
def config() -> Config:
    from pipeline.config import load_config
    from tests.conftest import EXAMPLE

    return load_config(EXAMPLE)


@pytest.mark.parametrize(
    ("lang", "text", "country"),
    [
        ("en", "Where can I watch Red Rooms in Brazil?", "BR"),
        ("en", "here in brazil nobody is showing red rooms", "BR"),
        ("en", "When is Monster coming to the UK??", "GB"),
        ("en", "Is there a US date yet for Monster?", "US"),
        ("en", "Saw Red Rooms in Montreal with a packed crowd, chilling.", "CA"),
        ("es", "Ojalá llegue pronto a España Red Rooms", "ES"),
        ("es", "¿Dónde ver Monster en Argentina?", "AR"),
        ("pt", "Quando Vidas Passadas chega ao Brasil??", "BR"),
        ("pt", "aqui em Portugal ainda nada de Red Rooms", "PT"),
        ("fr", "Quelqu'un sait quand L'Innocence sort en Belgique ?", "BE"),
    ],
)
def test_territory_is_where_the_audience_is_or_asks(
    config: Config, lang: str, text: str, country: str
) -> None:
    doc = run(build_pipeline(lang, config.films), text)
    assert doc._.buzz_country == country
    assert country in doc._.buzz_places


@pytest.mark.parametrize(
    ("lang", "text", "places"),
    [
        ("en", "Red Rooms world premiere at Karlovy Vary was wild", ["CZ"]),
        ("en", "Monster wins Best Screenplay at Cannes for Yuji Sakamoto.", ["FR"]),
        ("en", "Interview with Charlotte Wells about making it on a budget in Turkey.", ["TR"]),
        ("en", "let us know what you thought of Red Rooms", []),
        ("es", "Close me pareció manipuladora, usa el duelo de un niño.", []),
        ("es", "Solo la actuación del perro ya vale la entrada.", []),
        ("fr", "Vu à Cannes : Monster, bouleversant.", ["FR"]),
    ],
)
def test_territory_festivals_and_places_named_are_not_an_audience(
    config: Config, lang: str, text: str, places: list[str]
) -> None:
    doc = run(build_pipeline(lang, config.films), text)
    assert doc._.buzz_country is None
    assert doc._.buzz_places == places


def test_territory_event_places_of_the_config_are_never_an_audience(config: Config) -> None:
    red_rooms, *others = config.films
    events = [red_rooms.events[0].model_copy(update={"place": "Montréal"}), *red_rooms.events[1:]]
    nlp = build_pipeline("en", [red_rooms.model_copy(update={"events": events}), *others])
    doc = run(nlp, "Saw Red Rooms in Montréal last night, incredible")
    assert doc._.buzz_country is None
    assert doc._.buzz_places == ["CA"]


def test_territory_falls_back_to_the_location_the_source_gives(english: Language) -> None:
    doc = run(english, "Red Rooms is so good", **{AUTHOR_LOCATION: "São Paulo, Brasil"})
    assert doc._.buzz_country == "BR"
    doc = run(english, "Red Rooms is so good", **{AUTHOR_LOCATION: "somewhere in my head"})
    assert doc._.buzz_country is None


@pytest.fixture(scope="module")
def english(config: Config) -> Language:
    return build_pipeline("en", config.films)


@pytest.mark.parametrize(
    ("name", "code"),
    [("Montréal", "CA"), ("Royaume-Uni", "GB"), ("Estados Unidos", "US"), ("Alemanha", "DE"),
     ("Ciudad de México", "MX"), ("nowhere-land", None)],
)  # fmt: skip
def test_gazetteer_knows_countries_and_cities_in_every_language(
    name: str, code: str | None
) -> None:
    assert country_of_place(name) == code


def test_analyzer_returns_audience_and_places_apart(config: Config) -> None:
    posts = [PostInput("Red Rooms at Karlovy Vary, then finally coming to Canada!")]
    (found,) = Analyzer(config.films).analyze(posts)
    assert found.country == "CA"
    assert found.places == ["CZ", "CA"]


def test_aspects_take_their_own_clause_and_performers_mean_acting(config: Config) -> None:
    assert "Juliette Gariépy" in config.films[0].cast  # the example lists Red Rooms' cast
    nlp = build_pipeline("en", config.films)
    doc = run(nlp, "Red Rooms: the acting is superb but the ending drags on forever.")
    assert {a["aspect"]: a["label"] for a in doc._.buzz_aspects} == {
        "acting": "pos",
        "ending": "neg",
        "pacing": "neg",
    }
    doc = run(nlp, "Juliette Gariépy is phenomenal in Red Rooms.")
    assert [(a["aspect"], a["label"]) for a in doc._.buzz_aspects] == [("acting", "pos")]


def test_ligatures_soft_hyphens_and_zero_widths_are_read_through() -> None:
    assert (
        normalise_text("chef-d’œuvre mer\u00adveil\u00adleux\u200b") == "chef-d’oeuvre merveilleux"
    )
    assert normalise_text("plain ascii") == "plain ascii"
