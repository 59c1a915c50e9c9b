"""Why it moved: a planted spike is explained by what it is made of, on every store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from pipeline.alerts.checks import spike_alerts
from pipeline.config import Config, Film, FilmEvent
from pipeline.insights.terms import Sample, names_of, post_terms, risen, term_counts
from pipeline.insights.why import BASELINE_DAYS, explain, follows
from pipeline.stores.base import Filter, Store
from pipeline.stores.elasticsearch import ElasticsearchStore
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import SPIKE_DAY, SPIKE_PHRASE, planted_spike, posts

FILM = Film(
    slug="red-rooms",
    title="Red Rooms",
    year=2023,
    events=[FilmEvent(date=date(2023, 7, 4), kind="festival", label="Karlovy Vary")],
)


@pytest.fixture(params=["embedded", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store
    if request.param == "embedded":
        opened = EmbeddedStore(tmp_path / "store.duckdb")
    else:
        opened = ElasticsearchStore(request.getfixturevalue("es_config"))
    opened.write_posts(posts(planted_spike()))
    yield opened
    opened.close()


def test_why_ranks_the_planted_phrase_first(store: Store) -> None:
    found = explain(store, FILM, Filter(timezone="America/Montreal"), SPIKE_DAY, SPIKE_DAY)
    rows = planted_spike()
    on_day = [r for r in rows if r["published_at"].date() == SPIKE_DAY]
    assert found.posts == len(on_day)
    assert found.terms[0].text == SPIKE_PHRASE
    assert found.terms[0].posts == 14
    assert found.terms[0].per_day_before == 0
    # The phrase's own words are the phrase: they are not listed again.
    assert not {"bootleg", "screener"} & {t.text for t in found.terms}
    before = [
        r
        for r in rows
        if SPIKE_DAY - timedelta(days=BASELINE_DAYS) <= r["published_at"].date() < SPIKE_DAY
    ]
    assert found.baseline_posts == len(before)
    assert found.event is not None and found.event.label == "Karlovy Vary"
    grew = {(g.dimension, g.value) for g in found.growth}
    assert ("source", "bluesky") in grew and ("country", "FR") in grew
    assert set(found.authors.author) <= {r["author"] for r in on_day}
    assert len(found.top_posts) == 5
    assert '"bootleg screener" (14)' in found.summary()


def test_why_on_a_quiet_day_finds_nothing_special(store: Store) -> None:
    quiet = date(2023, 7, 8)
    found = explain(store, FILM, Filter(timezone="America/Montreal"), quiet, quiet)
    assert SPIKE_PHRASE not in {t.text for t in found.terms}
    assert found.event is not None and found.event.day == date(2023, 7, 4)


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        (
            "The director's cut, finally!",
            {"director's cut", "director's", "finally"},
            {"the", "cut finally"},
        ),
        ("Un film de Pascal Plante", {"pascal plante", "film"}, {"de", "un film"}),
        ("Rewatched 3 times in 2023", {"rewatched"}, {"3", "2023", "rewatched 3"}),
    ],
)
def test_post_terms_are_words_and_phrases_without_common_edges(
    text: str, expected: set[str], absent: set[str]
) -> None:
    found = post_terms(None, text, "fr" if text.startswith("Un") else "en")
    assert expected <= found
    assert not absent & found


def test_risen_keeps_share_not_volume() -> None:
    """A word as common in the spike as before does not rise, however many posts say it."""
    before = pd.DataFrame(
        {"lang": "en", "title": None, "text": ["great film"] * 20 + ["dull"] * 20}
    )
    during = pd.DataFrame(
        {
            "lang": "en",
            "title": None,
            "text": ["great film"] * 50 + ["dull"] * 30 + ["premiere tickets"] * 20,
        }
    )
    terms = risen(Sample(term_counts(during), 100, 100, 1), Sample(term_counts(before), 40, 40, 28))
    assert terms[0].text == "premiere tickets" and terms[0].posts == 20
    assert "great film" not in {t.text for t in terms}


def test_follows_the_latest_event_within_two_weeks() -> None:
    assert follows(FILM, date(2023, 7, 10), date(2023, 7, 10)) is not None
    assert follows(FILM, date(2023, 7, 30), date(2023, 7, 30)) is None
    assert follows(FILM, date(2023, 7, 1), date(2023, 7, 3)) is None


def test_spike_alert_says_why(store: Store, example_config: Config) -> None:
    alerts = spike_alerts(store, example_config, example_config.film("red-rooms"), SPIKE_DAY)
    (alert,) = alerts
    assert alert.day == SPIKE_DAY
    assert f'Why: rising: "{SPIKE_PHRASE}" (14)' in alert.message
    why = json.loads(json.dumps(alert.to_json()))["details"]["why"]
    assert why["terms"][0] == {"text": SPIKE_PHRASE, "posts": 14, "per_day_before": 0.0}
    assert len(why["posts"]) == 5 and why["authors"][0]["author"].startswith("leakwatch")


def test_risen_never_reports_the_films_own_names() -> None:
    before = pd.DataFrame({"lang": "en", "title": None, "text": ["quiet day"] * 20})
    during = pd.DataFrame(
        {"lang": "en", "title": None, "text": ["#RedRooms red rooms opening night tickets"] * 10}
    )
    names = names_of(["Red Rooms", "Les chambres rouges", "#RedRooms"])
    found = {
        t.text
        for t in risen(
            Sample(term_counts(during), 10, 10, 1),
            Sample(term_counts(before), 20, 20, 28),
            names=names,
        )
    }
    assert "opening night tickets" in found
    assert not {"redrooms", "red rooms", "red", "rooms"} & found
