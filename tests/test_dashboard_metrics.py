"""URL state, overview/compare numbers, film-page figures and the pages' queries (offline)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboards import figures, figures_compare, figures_film, metrics, queries, urlstate
from dashboards.data import choices
from pipeline.availability import Availability
from pipeline.config import Config, Film
from pipeline.stores import Store
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import config_for, enriched_post, posts

FILM = Film.model_validate(
    {
        "slug": "red-rooms",
        "title": "Red Rooms",
        "year": 2023,
        "events": [{"date": "2023-07-04", "kind": "festival", "label": "Karlovy Vary"}],
        "releases": [
            {"country": "CA", "date": "2023-08-11", "kind": "theatrical"},
            {"country": "US", "date": "2024-09-06", "kind": "theatrical"},
        ],
    }
)
OTHER = Film.model_validate(
    {"slug": "monster", "title": "Monster", "year": 2023,
     "releases": [{"country": "JP", "date": "2023-06-02", "kind": "theatrical"}]}
)  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, urlstate.Filters()),
        (
            {"from": "2023-07-01", "to": "2023-07-31", "source": "mastodon,letterboxd"},
            urlstate.Filters(date(2023, 7, 1), date(2023, 7, 31), ("mastodon", "letterboxd")),
        ),
        ({"from": "not-a-date", "lang": ["en", "fr"]}, urlstate.Filters(languages=("en", "fr"))),
        ({"country": " CA , ,FR"}, urlstate.Filters(countries=("CA", "FR"))),
    ],
    ids=["empty", "dates-sources", "bad-date-repeated-key", "spaces"],
)
def test_urlstate_filters_parse_the_query(query: dict[str, object], expected: object) -> None:
    assert urlstate.filters(query) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("?from=2023-07-01&q=red&page=2&source=x", "?from=2023-07-01&source=x"),
        ("?q=red", ""),
        ("", ""),
    ],
)
def test_urlstate_global_search_keeps_only_filters(search: str, expected: str) -> None:
    assert urlstate.global_search(search) == expected


def test_urlstate_format_search_round_trips() -> None:
    query = {"source": "mastodon,letterboxd", "q": "où est", "page": None}
    assert urlstate.parse_search(urlstate.format_search(query)) == {
        "source": "mastodon,letterboxd",
        "q": "où est",
    }


@pytest.mark.parametrize(
    ("start", "end", "last", "expected"),
    [
        (None, None, date(2023, 8, 31), (date(2023, 8, 4), date(2023, 8, 31))),
        (date(2023, 7, 1), date(2023, 7, 10), None, (date(2023, 7, 1), date(2023, 7, 10))),
        (None, date(2023, 7, 28), date(2023, 8, 31), (date(2023, 7, 1), date(2023, 7, 28))),
    ],
    ids=["default", "given", "end-only"],
)
def test_metrics_period_defaults_to_last_28_days(
    start: date | None, end: date | None, last: date | None, expected: tuple[date, date]
) -> None:
    assert metrics.period(start, end, last) == expected


@pytest.mark.parametrize(
    ("current", "before", "expected"), [(15, 10, 0.5), (5, 10, -0.5), (3, 0, None)]
)
def test_metrics_momentum_against_previous(
    current: int, before: int, expected: float | None
) -> None:
    assert metrics.momentum(current, before) == expected
    assert metrics.previous(date(2023, 7, 8), date(2023, 7, 14)) == (
        date(2023, 7, 1),
        date(2023, 7, 7),
    )


def series(counts: list[int]) -> pd.Series:
    return pd.Series(counts, index=pd.date_range("2023-06-01", periods=len(counts), freq="D"))


@pytest.mark.parametrize(
    ("counts", "spike_days"),
    [
        ([1] * 20 + [9], [20]),  # quiet film: 9 after ~1 a day is a spike
        ([50] * 20 + [60], []),  # busy film: 60 after 50 is noise
        ([0] * 20 + [4], []),  # too few posts to call it anything
        ([2, 0] * 10, []),
    ],
    ids=["quiet-spike", "busy-noise", "too-few", "flat"],
)
def test_metrics_spikes_are_count_aware(counts: list[int], spike_days: list[int]) -> None:
    found = metrics.spikes(series(counts))
    start = date(2023, 6, 1)
    assert [(s.day - start).days for s in found] == spike_days


@pytest.mark.parametrize(
    ("anchor", "expected"), [("premiere", date(2023, 7, 4)), ("release", date(2023, 8, 11))]
)
def test_metrics_anchor_day(anchor: metrics.Anchor, expected: date) -> None:
    assert metrics.anchor_day(FILM, anchor) == expected
    assert metrics.anchor_day(Film(slug="x", title="X", year=2023), anchor) is None


@pytest.mark.parametrize("norm", ["peak", "total", "none"])
def test_metrics_aligned_counts_days_from_anchor(norm: metrics.Norm) -> None:
    volume = pd.DataFrame(
        {
            "film": ["red-rooms"] * 3 + ["monster"],
            "period": pd.to_datetime(["2023-07-03", "2023-07-04", "2023-07-06", "2023-06-02"]),
            "posts": [2, 8, 4, 5],
        }
    )
    frame = metrics.aligned(volume, [FILM, OTHER], "premiere", norm, smooth=1)
    red = frame[frame["film"] == "red-rooms"]
    assert red["offset"].tolist() == [-1, 0, 1, 2]
    # Monster has no premiere event, but its release counts as one.
    assert frame[frame["film"] == "monster"]["offset"].tolist() == [0]
    peak = {"peak": 100.0, "total": 8 / 14 * 100, "none": 8.0}[norm]
    assert red["value"].max() == pytest.approx(peak)


def test_compare_figure_one_line_per_film() -> None:
    frame = pd.DataFrame({"film": ["red-rooms", "monster"], "offset": [0, 0], "value": [1.0, 2.0]})
    fig = figures_compare.compare_figure(frame, [FILM, OTHER], "release", "peak")
    assert [t.name for t in fig.data] == ["Red Rooms", "Monster"]
    empty = pd.DataFrame({"film": [], "offset": [], "value": []})
    assert figures.NO_POSTS in [
        a.text
        for a in figures_compare.compare_figure(
            empty, [FILM], "premiere", "none"
        ).layout.annotations
    ]


def test_aspects_figure_negative_left_positive_right() -> None:
    frame = pd.DataFrame(
        {
            "aspect": ["pacing", "pacing", "sound"],
            "sentiment": ["neg", "pos", "pos"],
            "posts": [4, 1, 6],
        }
    )
    fig = figures_film.aspects_figure(frame)
    by_name = {t.name: dict(zip(t.y, t.x, strict=True)) for t in fig.data}
    assert by_name["Negative"]["Pacing"] == -4
    assert by_name["Positive"]["Sound"] == 6
    assert fig.layout.barmode == "relative"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 9, 1), {"CA": "released", "US": "announced"}),
        (date(2023, 7, 1), {"CA": "announced", "US": "announced"}),
    ],
)
def test_demand_map_colours_countries_by_release(as_of: date, expected: dict[str, str]) -> None:
    known = Availability.of(FILM)
    assert {c: known.status(c, as_of) for c in known.countries()} == expected
    demand = pd.DataFrame(
        {
            "country": ["FR", "CA", "unknown"],
            "intent": ["piracy", "want_to_see", "piracy"],
            "posts": [3, 2, 9],
        }
    )
    fig = figures_film.demand_map(demand, known, as_of, (5, 14))
    layers = {t.name: list(t.locations) for t in fig.data}
    assert layers["No release known"] == ["FRA"]
    assert layers["Demand (posts)"] == ["CAN", "FRA"], "audience countries only, piracy counted"
    bubbles = next(t for t in fig.data if t.name == "Demand (posts)")
    assert max(bubbles.marker.size) == pytest.approx(figures_film.BUBBLE_MAX)
    released = [c for c, s in expected.items() if s == "released"]
    assert layers["Released in cinemas"] == [{"CA": "CAN"}[c] for c in released]
    assert "5 of 14 posts name one" in fig.layout.title.text


def test_demand_map_shows_where_it_streams_with_justwatch_credit() -> None:
    signals = pd.DataFrame(
        {
            "source": ["tmdb", "tmdb", "tmdb"],
            "metric": ["offers_checked", "offer", "offer"],
            "key": ["", "CA|flatrate|Crave", "CA|rent|Apple TV"],
            "day": [date(2023, 9, 1)] * 3,
            "value": [1.0, 230.0, 2.0],
        }
    )
    demand = pd.DataFrame({"country": ["CA"], "intent": ["where_to_watch"], "posts": [4]})
    fig = figures_film.demand_map(demand, Availability.of(FILM, signals), date(2023, 9, 2))
    layer = next(t for t in fig.data if t.name == "Streaming, rent or buy")
    assert list(layer.locations) == ["CAN"]
    assert "Streams on: Crave" in layer.text[0] and "Rent or buy: Apple TV" in layer.text[0]
    assert any("JustWatch" in a.text for a in fig.layout.annotations)


def test_signal_facts_latest_values() -> None:
    signals = pd.DataFrame(
        {
            "source": ["letterboxd", "letterboxd", "youtube", "youtube"],
            "metric": ["watches", "watches", "views", "views"],
            "key": ["", "", "a", "b"],
            "day": [date(2023, 7, 1), date(2023, 7, 2), date(2023, 7, 2), date(2023, 7, 2)],
            "value": [10.0, 12.0, 100.0, 50.0],
        }
    )
    assert figures_film.signal_facts(signals) == [
        ("Letterboxd watches", "12"),
        ("Trailer views", "150"),
    ]


def config_in(folder: Path) -> Config:
    return config_for(folder, [FILM, OTHER], name="Test")


@pytest.fixture(params=["embedded", "elasticsearch"])
def stored(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Config, Store]]:
    """The same posts in each kind of store: the pages' queries use only the Store interface."""
    config = config_in(tmp_path)
    store: Store
    if request.param == "embedded":
        store = EmbeddedStore(config.data_dir / "store.duckdb")
    else:
        from pipeline.stores.elasticsearch import ElasticsearchStore

        store = ElasticsearchStore(request.getfixturevalue("es_config"))
    start = datetime(2023, 7, 1, 15, tzinfo=UTC)
    rows = [
        enriched_post(n, published=start + timedelta(days=n % 10), text=f"word{n % 3} red", likes=n)
        for n in range(30)
    ]
    rows += [
        enriched_post(100 + n, film="monster", source="letterboxd", published=start)
        for n in range(5)
    ]
    store.write_posts(posts(rows))
    yield config, store
    store.close()


def test_queries_overview_sums_the_period(stored: tuple[Config, Store]) -> None:
    config, store = stored
    summary = queries.overview(store, config, urlstate.Filters(end=date(2023, 7, 5)))
    assert (summary.start, summary.end) == (date(2023, 6, 8), date(2023, 7, 5))
    red, monster = summary.films
    assert (red.posts, monster.posts) == (15, 5)
    assert red.share == pytest.approx(15 / 20)
    assert len(red.daily) == 28


@pytest.mark.parametrize(
    ("text", "page", "rows", "has_next"),
    [("", 1, 25, True), ("", 2, 5, False), ("word1", 1, 10, False)],
)
def test_queries_posts_page_paginates(
    stored: tuple[Config, Store], text: str, page: int, rows: int, has_next: bool
) -> None:
    config, store = stored
    post = urlstate.PostFilters(film="red-rooms", text=text or None)
    found = queries.posts_page(store, config, urlstate.Filters(), post, page)
    assert len(found.rows) == rows
    assert found.has_next is has_next
    assert found.total == (30 if not text else 10)
    assert found.pages == (2 if not text else 1)


def test_post_filters_read_from_the_url() -> None:
    query = urlstate.parse_search(
        "?film=red-rooms&q=stream&sentiment=neg,neu&intent=piracy&aspect=acting"
        "&aspect_sentiment=neg&author=a,b&min_engagement=5"
    )
    post = urlstate.post_filters(query)
    where = post.narrow(urlstate.filters(query).where(("red-rooms",), "UTC"))
    assert (where.text, where.sentiments, where.intents) == ("stream", ("neg", "neu"), ("piracy",))
    assert (where.aspects, where.aspect_sentiments, where.authors) == (
        ("acting",),
        ("neg",),
        ("a", "b"),
    )
    assert where.min_engagement == 5
    assert urlstate.post_filters({"min_engagement": "lots"}).min_engagement is None


def test_data_choices_offer_what_is_stored(stored: tuple[Config, Store]) -> None:
    config, store = stored
    offered = choices(store, config)
    assert offered.sources == ["mastodon", "letterboxd"]
    assert (offered.first, offered.last) == (date(2023, 7, 1), date(2023, 7, 10))


def test_overview_health_table_shows_last_runs_and_errors(tmp_path: Path) -> None:
    from dashboards.health import health_table
    from pipeline import quarantine
    from pipeline.lake import Lake
    from pipeline.quarantine import Quarantined
    from pipeline.stages.sources import record_runs

    config = config_in(tmp_path)
    assert "No crawl has run yet" in str(
        health_table(queries.crawl_health(config)).to_plotly_json()
    )
    record_runs(
        config.data_dir / "state",
        {"mastodon": {"posts": 3, "signals": 0, "errors": 2}},
        {},
        ["mastodon: HTTP 503 from mastodon.social"],
    )
    bad = [Quarantined(f"m{n}", "mastodon", None, "crawl", "no text") for n in range(3)]
    quarantine.write(Lake(config.data_dir / "lake"), bad)
    table = health_table(queries.crawl_health(config))
    shown = str(table.to_plotly_json())
    assert "mastodon" in shown
    assert "errors" in shown
    assert "HTTP 503 from mastodon.social" in shown
    thead, tbody = table.children[1].children
    head = [str(th.children) for th in thead.children.children]
    mastodon = next(tr for tr in tbody.children if tr.children[0].children == "mastodon")
    cells = {h: td.children for h, td in zip(head, mastodon.children, strict=True)}
    assert (cells["Errors"], cells["Quarantined"]) == ("2", "3")


def test_components_post_item_names_the_films() -> None:
    from dashboards import components

    row = {"source": "x", "text": "hi", "films": ["red-rooms", "gone"], "url": None}
    item = components.post_item(row, "UTC", {"red-rooms": "Red Rooms"})
    assert "Red Rooms" in str(item.to_plotly_json())
    assert "gone" not in str(item.to_plotly_json())


SOURCES = [{"label": " a", "value": "a"}, {"label": " b", "value": "b"}]


@pytest.mark.parametrize(
    ("key", "value", "offered", "expected"),
    [
        ("source", ["a", "b"], SOURCES, None),  # all ticked: no filter
        ("source", ["b"], SOURCES, "b"),
        ("source", [], SOURCES, urlstate.NOTHING),  # none ticked: nothing matches
        ("lang", [], None, None),  # an emptied dropdown: all
        ("films", ["a", "b"], SOURCES, "a,b"),  # films to compare stay as chosen
        ("q", "red rooms", None, "red rooms"),
        ("q", "", None, None),
    ],
)
def test_filterbar_query_value(
    key: str, value: object, offered: object, expected: str | None
) -> None:
    from dashboards.filterbar import _query_value

    assert _query_value(key, value, offered) == expected


def test_data_film_view_breakdowns_match_the_store(stored: tuple[Config, Store]) -> None:
    from dashboards.data import film_filter, film_view

    config, store = stored
    where = film_filter(config, "red-rooms")
    view = film_view(store, config, where)
    for got, dimension in ((view.sources, "source"), (view.languages, "lang")):
        expected = store.breakdown(where, dimension).drop(columns=["film"])
        assert got.to_dict("list") == expected.to_dict("list")
    assert view.mentions == 30


def test_every_app_of_a_process_gets_the_pages_callbacks(tmp_path: Path) -> None:
    # Dash gives the callbacks registered with `dash.callback` to the first app that serves.
    from dashboards.app import create_app

    answered = []
    for n in range(2):
        app = create_app(config_in(tmp_path / str(n)))
        client = app.server.test_client()
        answer = client.get("/_dash-dependencies")
        assert answer.status_code == 200
        answered.append(sorted(d["output"] for d in answer.get_json()))
        assert app.callback_map  # server-side callbacks can run, not only be listed
    assert answered[0] == answered[1] and any("href" in o for o in answered[0])
