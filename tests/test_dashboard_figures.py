"""Figure functions (frames in, plotly figures out), the top-posts pieces, the HTML report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import components, figures
from dashboards.data import FilmView, empty_film_view, film_filter
from dashboards.drill import Drill
from dashboards.report import render_report, write_report
from pipeline.config import Config, Film
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import config_for

FILM = Film.model_validate(
    {
        "slug": "red-rooms",
        "title": "Red Rooms",
        "year": 2023,
        "events": [
            {"date": "2023-07-04", "kind": "festival", "label": "Karlovy Vary"},
            {"date": "2023-07-10", "kind": "award", "label": "Jury prize"},
            {"date": "2023-08-11", "kind": "release", "label": "Québec release"},
        ],
        "releases": [
            {"country": "CA", "date": "2023-08-11", "kind": "theatrical"},
            {"country": "US", "date": "2023-07-20", "kind": "streaming"},
        ],
    }
)
OTHER = Film(slug="monster", title="Monster", year=2023)


def volume(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"period": pd.to_datetime(list(counts)), "posts": list(counts.values())})


def sentiment(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["period", "pos", "neg", "neu"])
    frame["period"] = pd.to_datetime(frame["period"])
    frame["posts"] = frame[["pos", "neg", "neu"]].sum(axis=1)
    frame["net"] = (frame["pos"] - frame["neg"]) / frame["posts"]
    return frame


def texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def empty(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


@pytest.mark.parametrize(
    "make",
    [
        lambda: figures.mentions_figure(empty("period", "posts"), FILM),
        lambda: figures.mentions_figure(volume({"2023-07-04": 0}), FILM),
        lambda: figures.sentiment_figure(empty("period", "pos", "neg", "neu", "posts", "net")),
        lambda: figures.source_figure(empty("source", "posts")),
        lambda: figures.language_figure(empty("lang", "posts")),
        lambda: figures.voice_figure(empty("film", "posts", "share"), [FILM]),
        lambda: figures.voice_figure(pd.DataFrame({"film": ["red-rooms"], "posts": [0]}), [FILM]),
    ],
    ids=["mentions", "mentions-zero", "sentiment", "source", "language", "voice", "voice-zero"],
)
def test_figures_empty_data_says_no_posts(make: Any) -> None:
    fig = make()
    assert figures.NO_POSTS in texts(fig)
    assert len(fig.data) == 0
    assert fig.layout.title.text


def test_mentions_figure_one_bar_per_day_with_posts() -> None:
    fig = figures.mentions_figure(volume({"2023-07-03": 4, "2023-07-04": 9, "2023-07-09": 1}), FILM)
    (bars,) = fig.data
    assert bars.type == "bar"
    assert list(bars.y) == [4, 9, 1]
    assert len(bars.x) == 3


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ((date(2023, 7, 1), date(2023, 8, 31)), ["festival", "award", "release", "release"]),
        ((date(2023, 7, 1), date(2023, 7, 31)), ["festival", "award", "release"]),
        ((date(2023, 7, 5), date(2023, 7, 9)), []),
    ],
    ids=["all", "july", "none"],
)
def test_mentions_figure_marks_events_as_shapes(
    window: tuple[date, date], expected: list[str]
) -> None:
    fig = figures.mentions_figure(volume({"2023-07-05": 3, "2023-07-06": 2}), FILM, window)
    shapes = fig.layout.shapes
    assert [s.name for s in shapes] == expected
    assert all(s.type == "line" and s.yref == "paper" for s in shapes)
    assert [s.line.color for s in shapes] == [figures.EVENT_COLORS[k] for k in expected]
    assert len(fig.layout.annotations) == len(expected)


def test_mentions_figure_labels_events_and_releases_once() -> None:
    fig = figures.mentions_figure(
        volume({"2023-07-04": 3}), FILM, (date(2023, 7, 1), date(2023, 8, 31))
    )
    labels = texts(fig)
    assert labels == ["Karlovy Vary", "Jury prize", "US streaming release", "Québec release"]
    # The CA release is the same day as the "Québec release" event: one line, not two.
    assert sum(s.x0 == date(2023, 8, 11) for s in fig.layout.shapes) == 1
    dotted = [s for s in fig.layout.shapes if s.line.dash == "dot"]
    assert [s.x0 for s in dotted] == [date(2023, 7, 20)]


def test_mentions_figure_stacks_labels_of_close_events() -> None:
    second = FILM.events[0].model_copy(update={"date": date(2023, 7, 5), "label": "Encore"})
    crowded = FILM.model_copy(update={"events": [FILM.events[0], second], "releases": []})
    fig = figures.mentions_figure(
        volume({"2023-07-04": 1}), crowded, (date(2023, 7, 1), date(2023, 7, 31))
    )
    shifts = [a.yshift for a in fig.layout.annotations]
    assert len(set(shifts)) == 2


@pytest.mark.parametrize(
    "rows",
    [
        [("2023-07-04", 3, 1, 2)],
        [("2023-07-04", 0, 0, 5), ("2023-07-05", 7, 2, 0), ("2023-07-09", 1, 1, 1)],
        [("2023-07-04", 0, 4, 0), ("2023-07-06", 0, 0, 0)],
    ],
    ids=["one-day", "three-days", "all-negative"],
)
def test_sentiment_figure_traces_sum_to_counts(rows: list[tuple[str, int, int, int]]) -> None:
    frame = sentiment(rows)
    fig = figures.sentiment_figure(frame)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Positive", "Neutral", "Negative"]
    totals = [sum(values) for values in zip(*(t.y for t in bars), strict=True)]
    assert totals == frame["posts"].tolist()
    assert fig.layout.barmode == "stack"


def test_sentiment_figure_colours_are_fixed() -> None:
    fig = figures.sentiment_figure(sentiment([("2023-07-04", 3, 1, 2)]))
    colours = {t.name: t.marker.color for t in fig.data if t.type == "bar"}
    assert colours == {"Positive": "#2f9e44", "Neutral": "#adb5bd", "Negative": "#e03131"}


def test_rolling_net_needs_enough_posts() -> None:
    frame = sentiment([("2023-07-01", 1, 0, 0), ("2023-07-02", 3, 1, 0), ("2023-07-20", 0, 6, 0)])
    net = figures.rolling_net(frame, "7D", min_posts=5)
    assert pd.isna(net[0])
    assert net[1] == pytest.approx((4 - 1) / 5)
    assert net[2] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    "order", [["mastodon", "letterboxd", "forum"], ["forum", "letterboxd", "mastodon"]]
)
def test_source_figure_colours_follow_the_source(order: list[str]) -> None:
    frame = pd.DataFrame({"source": order, "posts": [5, 3, 2]})
    (bars,) = figures.source_figure(frame).data
    colours = dict(zip(bars.y, bars.marker.color, strict=True))
    assert colours["mastodon"] == figures.SOURCE_COLORS["mastodon"]
    assert colours["forum"] == figures.source_color("forum")
    assert sum(bars.x) == pytest.approx(1.0)


def test_language_figure_names_languages_and_groups_the_rest() -> None:
    frame = pd.DataFrame({"lang": ["en", "fr", "ja", "xx", "und"], "posts": [10, 5, 3, 2, 1]})
    (bars,) = figures.language_figure(frame, top=3).data
    assert list(bars.y) == ["English", "French", "Japanese", "Other"]
    assert [int(c[0]) for c in bars.customdata] == [10, 5, 3, 3]
    drill = Drill({"film": "red-rooms"})
    (linked,) = figures.language_figure(frame, top=3, drill=drill).data
    assert [c[1] for c in linked.customdata] == [
        "/posts?film=red-rooms&lang=en", "/posts?film=red-rooms&lang=fr",
        "/posts?film=red-rooms&lang=ja", "/posts?film=red-rooms&lang=xx,und",
    ]  # fmt: skip


def test_share_figures_keep_labels_from_data_literal() -> None:
    frame = pd.DataFrame({"lang": ['<a href="https://evil.example">x</a>'], "posts": [1]})
    (bars,) = figures.language_figure(frame).data
    assert list(bars.y) == ['&lt;A HREF="HTTPS://EVIL.EXAMPLE"&gt;X&lt;/A&gt;']


def test_share_bars_make_room_for_their_labels_and_cut_long_ones() -> None:
    long_title = "The Extraordinarily Long Title of a Very Small Film & Co"
    frame = pd.DataFrame({"film": ["a", "b", "c"], "posts": [5, 3, 2]})
    films = [FILM.model_copy(update={"slug": s, "title": t}) for s, t in
             [("a", "Up"), ("b", long_title), ("c", "東京物語")]]  # fmt: skip
    fig = figures.voice_figure(frame, films)
    (bars,) = fig.data
    assert bars.y[1] == "The Extraordinarily Long Title of a Very Small Film &amp; Co"  # hover
    shown = list(fig.layout.yaxis.ticktext)
    assert shown[0] == "Up" and shown[2] == "東京物語"
    assert shown[1].endswith("…") and len(shown[1]) <= figures.LABEL_CHARS
    assert list(fig.layout.yaxis.tickvals) == list(bars.y)
    short = figures.voice_figure(frame.head(1), films[:1]).layout.margin.l
    wide = figures.voice_figure(frame.iloc[[2]], [films[2]]).layout.margin.l
    assert short < wide < fig.layout.margin.l  # four wide characters need more than two narrow


@pytest.mark.parametrize(("highlight", "accented"), [("red-rooms", 1), (None, 2)])
def test_voice_figure_highlights_one_film(highlight: str | None, accented: int) -> None:
    frame = pd.DataFrame(
        {"film": ["monster", "red-rooms"], "posts": [30, 10], "share": [0.75, 0.25]}
    )
    (bars,) = figures.voice_figure(frame, [FILM, OTHER], highlight).data
    assert list(bars.y) == ["Monster", "Red Rooms"]
    assert list(bars.x) == [0.75, 0.25]
    assert list(bars.marker.color).count(figures.ACCENT) == accented


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/p/1", "https://example.org/p/1"),
        ("HTTP://example.org/p/1", "HTTP://example.org/p/1"),
        ("javascript:alert(1)", None),
        (" https://example.org", None),
        ("https://example.org/\njavascript:alert(1)", None),
        ("data:text/html,<script>1</script>", None),
        ("//example.org/p", None),
        (None, None),
    ],
)
def test_components_safe_href_only_http(url: str | None, expected: str | None) -> None:
    assert components.safe_href(url) == expected


def test_components_post_item_keeps_text_plain() -> None:
    row = {"source": "mastodon", "text": "<b>hi</b>", "url": "javascript:alert(1)", "author": None}
    item = components.post_item(row)
    assert "<b>hi</b>" in str(item.to_plotly_json())
    assert "javascript:" not in repr(item)


def config_in(folder: Path) -> Config:
    return config_for(folder, [FILM, OTHER], name="Test <Co>")


def report_view(config: Config) -> FilmView:
    view = empty_film_view(film_filter(config, "red-rooms"))
    top = pd.DataFrame(
        {
            "source": ["mastodon"],
            "url": ["javascript:alert(1)"],
            "text": ["<script>window.__pwned=1</script>"],
            "published_at": [datetime(2023, 7, 4, 15, tzinfo=UTC)],
            "sentiment_label": ["neg"],
        }
    )
    return replace(view, volume=volume({"2023-07-04": 1}), top_posts=top)


def test_report_inlines_plotly_once_and_escapes_posts(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    page = render_report(config, FILM, report_view(config))
    assert page.count('class="plotly-graph-div"') == 9
    assert "PlotlyGeoAssets" in page
    assert page.count("plotly.js v") == 1
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "<script>window.__pwned" not in page
    assert "javascript:alert" not in page
    assert "Test &lt;Co&gt;" in page


def test_report_write_is_atomic_and_works_on_an_empty_store(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    store = EmbeddedStore(config.data_dir / "store.duckdb")
    try:
        out = write_report(config, store, "red-rooms", tmp_path / "out" / "report.html")
    finally:
        store.close()
    assert out == tmp_path / "out" / "report.html"
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
    assert figures.NO_POSTS in out.read_text(encoding="utf-8")
