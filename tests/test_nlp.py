"""Each NLP component on blank pipelines, the analyzer, and serialisation round trips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from nlp.components import CONTEXT_FILMS, RATING, SOURCE
from nlp.components.language import detect
from nlp.pipeline import Analyzer, PostInput, build_pipeline
from pipeline.config import Config


@pytest.fixture(scope="module")
def config() -> Config:
    from pipeline.config import load_config
    from tests.conftest import EXAMPLE

    return load_config(EXAMPLE)


@pytest.fixture(scope="module")
def english(config: Config) -> Language:
    return build_pipeline("en", config.films)


def run(nlp: Language, text: str, **context: object) -> spacy.tokens.Doc:
    doc = nlp.make_doc(text)
    doc._.buzz_lang = nlp.lang if nlp.lang != "xx" else None
    doc.user_data.update(context)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("Just saw it last night and I cannot stop thinking about that courtroom.", None, "en"),
        ("Enfin vu ce film, glaçant du début à la fin, quelle actrice.", None, "fr"),
        ("Alguém sabe onde assistir esse filme no Brasil? Tô doido pra ver.", None, "pt"),
        ("¿Alguien sabe dónde ver esta película en México? Me muero por verla.", None, "es"),
        ("ok", "fr", "fr"),
    ],
)
def test_language_detects_or_falls_back_to_declared(
    text: str, declared: str | None, expected: str
) -> None:
    assert detect([text], [declared]) == [expected]


@pytest.mark.parametrize(
    ("text", "context", "about"),
    [
        ("Just saw Red Rooms at the festival, what a film.", {}, ["red-rooms"]),
        ("#RedRooms tonight, wish me luck", {}, ["red-rooms"]),
        ("Enfin vu Les chambres rouges.", {}, ["red-rooms"]),
        ("Kore-eda's Monster is a gem, Sakura Ando is perfect.", {}, ["monster"]),
        ("painting the red rooms upstairs this weekend", {}, []),
        ("#monster truck rally this weekend, so loud", {}, []),
        ("I believe in past lives and reincarnation", {}, []),
        (
            "Cold and patient, I liked it.",
            {CONTEXT_FILMS: ["red-rooms"], SOURCE: "letterboxd"},
            ["red-rooms"],
        ),
        ("Cold and patient, I liked it.", {CONTEXT_FILMS: ["red-rooms"], SOURCE: "mastodon"}, []),
        ('Watched "Past Lives" and Greta Lee broke me.', {}, ["past-lives"]),
    ],
)
def test_mentions_need_evidence_for_generic_titles(
    english: Language, text: str, context: dict[str, object], about: list[str]
) -> None:
    doc = run(english, text, **context)
    assert doc._.buzz_about == about
    for mention in doc._.buzz_mentions:
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert 0 < mention["confidence"] <= 1


@pytest.mark.parametrize(
    ("lang", "text", "context", "label"),
    [
        ("en", "I loved it, an absolute masterpiece.", {}, "pos"),
        ("en", "Boring and pretentious, what a waste of time.", {}, "neg"),
        ("en", "It was not good at all.", {}, "neg"),
        ("en", "😍🔥", {}, "pos"),
        (
            "en",
            "Disturbing and terrifying from start to finish.",
            {CONTEXT_FILMS: ["red-rooms"]},
            "pos",
        ),
        (
            "en",
            "Disturbing and terrifying from start to finish.",
            {CONTEXT_FILMS: ["past-lives"]},
            "neg",
        ),
        ("en", "Saw it on Tuesday.", {RATING: 4.5}, "pos"),
        ("en", "Saw it on Tuesday.", {RATING: 1.0}, "neg"),
        pytest.param(
            "en",
            "The poster is blue.",
            {},
            "neu",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known miss since training on real reviews: plain statements lean pos "
                "(nlp/models/MODEL_CARD.md, limits)",
            ),
        ),
        ("en", "Great cast, but honestly boring and way too long.", {}, "neg"),
        ("fr", "Un chef-d'œuvre, j'ai adoré.", {}, "pos"),
        ("fr", "Franchement ennuyeux et prétentieux.", {}, "neg"),
        ("pt", "Que filme incrível, perfeito!", {}, "pos"),
        ("pt", "Muito chato, decepcionante.", {}, "neg"),
        ("es", "Una obra maestra, brutal.", {}, "pos"),
        ("es", "Aburrida y pretenciosa.", {}, "neg"),
    ],
)
def test_sentiment_labels(
    config: Config, lang: str, text: str, context: dict[str, object], label: str
) -> None:
    doc = run(build_pipeline(lang, config.films), text, **context)
    assert doc._.buzz_sentiment["label"] == label, doc._.buzz_sentiment
    assert -1 <= doc._.buzz_sentiment["score"] <= 1


@pytest.mark.parametrize(
    ("lang", "text", "intents", "country"),
    [
        ("en", "Where can I watch Red Rooms in Brazil?", {"where_to_watch"}, "BR"),
        ("en", "anyone got a torrent for red rooms? no release here", {"piracy"}, None),
        ("en", "I can't wait to see Past Lives, on my watchlist", {"want_to_see"}, None),
        ("en", "Just watched Monster, go see it!", {"watched", "recommend"}, None),
        ("fr", "Quelqu'un sait où voir Les chambres rouges en France ?", {"where_to_watch"}, "FR"),
        ("pt", "alguém tem link pra baixar Vidas Passadas?", {"piracy"}, None),
        ("es", "¿Dónde ver Monster en Argentina?", {"where_to_watch"}, "AR"),
        # the phrases say "it"; people put the title there
        ("en", "wish Red Rooms was streaming somewhere", {"where_to_watch"}, None),
        ("en", "is Past Lives on mubi yet?", {"where_to_watch"}, None),
    ],
)
def test_cues_find_intents_and_place(
    config: Config, lang: str, text: str, intents: set[str], country: str | None
) -> None:
    doc = run(build_pipeline(lang, config.films), text)
    assert intents <= set(doc._.buzz_intents), doc._.buzz_intents
    assert doc._.buzz_country == country


def test_cues_aspects_take_their_sentence_sentiment(english: Language) -> None:
    doc = run(english, "The acting was incredible. The ending was boring and lazy.")
    aspects = {a["aspect"]: a["label"] for a in doc._.buzz_aspects}
    assert aspects == {"acting": "pos", "ending": "neg"}


def test_analyzer_routes_each_language_and_keeps_order(config: Config) -> None:
    posts = [
        PostInput("Enfin vu Les chambres rouges, glaçant et magnifique.", source="mastodon"),
        PostInput("Just saw Red Rooms, brilliant and chilling.", source="mastodon"),
        PostInput("Vidas Passadas é lindo demais, chorei muito.", source="mastodon"),
    ]
    results = list(Analyzer(config.films, batch_size=2).analyze(posts))
    assert [r.lang for r in results] == ["fr", "en", "pt"]
    assert [r.about for r in results] == [["red-rooms"], ["red-rooms"], ["past-lives"]]
    assert all(r.sentiment_label == "pos" for r in results)


def test_pipeline_round_trips_through_bytes_and_disk(config: Config, tmp_path: Path) -> None:
    original = build_pipeline("en", config.films)
    text = "Just saw #RedRooms, disturbing in the best way."
    expected = run(original, text)

    def blank() -> Language:
        fresh = spacy.blank("en")
        for name in original.pipe_names:
            fresh.add_pipe(name)
        return fresh

    from_bytes = blank().from_bytes(original.to_bytes())
    original.to_disk(tmp_path / "model")
    from_disk = blank().from_disk(tmp_path / "model")
    for restored in (from_bytes, from_disk):
        doc = run(restored, text)
        assert doc._.buzz_about == expected._.buzz_about == ["red-rooms"]
        assert doc._.buzz_sentiment == expected._.buzz_sentiment


def test_factories_are_exposed_as_spacy_entry_points() -> None:
    code = (
        "import spacy; nlp = spacy.blank('en')\n"
        "for name in ('buzz_language', 'buzz_film_mentions', 'buzz_sentiment', 'buzz_cues', 'buzz_territory'):\n"
        "    nlp.add_pipe(name)\n"
        "print(','.join(nlp.pipe_names))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == (
        "buzz_language,buzz_film_mentions,buzz_sentiment,buzz_cues,buzz_territory"
    )


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("Monster de Kore-eda : les deux gamins sont incroyables.", ["monster"]),
        ("Le nouveau Kore-eda, Kaibutsu, en compétition #Kaibutsu", ["monster"]),
        ("Monster energy at 2am, big regret", []),
        ("Acabei de ver Monster, vão assistir!", ["monster"]),
    ],
)
def test_mentions_use_surnames_intents_and_keep_titles_apart_from_hashtags(
    english: Language, text: str, about: list[str]
) -> None:
    assert run(english, text)._.buzz_about == about


@pytest.mark.parametrize(
    ("lang", "text", "present", "absent"),
    [
        ("en", "I would not recommend it to anyone", set(), {"recommend"}),
        ("en", "Not sure I want to see it", set(), {"want_to_see"}),
        ("en", "Just watched the trailer, looks great", set(), {"watched"}),
        ("fr", "Je ne recommande pas ce film", set(), {"recommend"}),
        ("es", "Acabo de ver Monster, ¡vayan a verla!", {"watched", "recommend"}, set()),
        ("pt", "Tem torrent de Monster com legenda?", {"piracy"}, set()),
    ],
)
def test_cues_intents_skip_negations_and_trailers(
    config: Config, lang: str, text: str, present: set[str], absent: set[str]
) -> None:
    found = set(run(build_pipeline(lang, config.films), text)._.buzz_intents)
    assert present <= found and not absent & found, found


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("just torrented Red Rooms lol", ["piracy"]),
        ("Red Rooms ★★★½", ["watched"]),  # a log line with a rating only
        ("circled the date for Past Lives", ["want_to_see"]),
        ("Red Rooms: can't find it anywhere", ["where_to_watch"]),
    ],
)
def test_cues_intents_on_real_phrasing(english: Language, text: str, intents: list[str]) -> None:
    assert run(english, text)._.buzz_intents == intents


def test_cues_a_rating_means_the_post_was_watched(english: Language) -> None:
    assert "watched" in run(english, "Cold and patient.", **{RATING: 4.0})._.buzz_intents


def test_analyzer_in_two_processes_gives_the_same_results(config: Config) -> None:
    posts = [
        PostInput("Just saw Red Rooms, brilliant and chilling."),
        PostInput("Vidas Passadas é lindo demais, chorei muito."),
        PostInput("monster trucks this weekend"),
    ]
    alone = list(Analyzer(config.films, batch_size=2).analyze(posts))
    pooled = list(Analyzer(config.films, batch_size=2, n_process=2).analyze(posts))
    assert pooled == alone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I think the film is great and the cast too", "en"),
        ("Je pense que le film est beau et les acteurs aussi", "fr"),
        ("Eu acho que o filme é lindo e não sei o que dizer", "pt"),
        ("Creo que el film es muy bueno y los actores también", "es"),
        ("Kaibutsu!", None),
        ("the film, le film", None),
    ],
)
def test_language_function_words_settle_clear_cases_only(text: str, expected: str | None) -> None:
    from nlp.components.language import by_function_words

    assert by_function_words(text) == expected


def test_the_films_own_names_are_blanked_before_sentiment(config: Config) -> None:
    from nlp.components import OPINION_TEXT

    text = "Monster was boring and far too long, Kore-eda can do better."
    doc = run(build_pipeline("en", config.films), text, **{CONTEXT_FILMS: ["monster"]})
    masked = doc.user_data[OPINION_TEXT]
    assert len(masked) == len(text)
    assert "Monster" not in masked and "boring" in masked
    assert doc._.buzz_sentiment["label"] == "neg"
    plain = run(build_pipeline("en", config.films), "a monster of a day at work, so tired")
    assert "monster" in plain.user_data[OPINION_TEXT]  # not a film here: the word stays
