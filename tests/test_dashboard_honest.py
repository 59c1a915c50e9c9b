"""Honest series: 0 where nothing was said, apart from spans where nothing was collected."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboards import coverage, figures, figures_film, metrics
from dashboards.drill import Drill
from pipeline.config import Film

FILM = Film.model_validate(
    {
        "slug": "red-rooms",
        "title": "Red Rooms",
        "year": 2023,
        "events": [{"date": "2023-06-20", "kind": "festival", "label": "Premiere"}],
    }
)


def test_intents_weeks_without_posts_are_zero_not_skipped() -> None:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2023-07-03", "2023-07-31", "2023-07-31"]),
            "intent": ["where_to_watch", "where_to_watch", "piracy"],
            "posts": [7, 2, 1],
        }
    )
    fig = figures_film.intents_figure(frame)
    lines = {trace.name: list(trace.y) for trace in fig.data}
    assert lines["Where to watch"] == [7, 0, 0, 0, 2]
    assert lines["Piracy talk"] == [0, 0, 0, 0, 1]


def test_compare_draws_nothing_before_the_first_post() -> None:
    volume = pd.DataFrame(
        {
            "film": ["red-rooms"] * 2,
            "period": pd.to_datetime(["2023-07-01", "2023-07-03"]),
            "posts": [3, 1],
        }
    )
    frame = metrics.aligned(volume, [FILM], "premiere", "none", smooth=1)
    # The premiere is 11 days before the first post: those days have no data, not 0 posts.
    assert frame["offset"].tolist() == [11, 12, 13]
    assert frame["value"].tolist() == [3.0, 0.0, 1.0]


def test_gaps_before_the_first_post_and_while_a_source_is_down() -> None:
    sources = [
        {
            "name": "mastodon",
            "enabled": True,
            "status": "failed",
            "last_success": "2023-07-08T06:00:00+00:00",
        },
        {
            "name": "reddit",
            "enabled": True,
            "status": "ok",
            "last_success": "2023-07-10T06:00:00+00:00",
        },
        {"name": "x", "enabled": False, "status": "failed", "last_success": None},
    ]
    found = coverage.gaps(date(2023, 6, 25), date(2023, 7, 10), date(2023, 7, 1), sources)
    assert [(g.start, g.end) for g in found] == [
        (date(2023, 6, 25), date(2023, 6, 30)),
        (date(2023, 7, 8), date(2023, 7, 10)),
    ]
    assert "before the first collected post" in found[0].label
    assert found[1].label == "mastodon down since 08 Jul"
    assert coverage.gaps(date(2023, 7, 1), date(2023, 7, 5), date(2023, 7, 1), sources[1:]) == []


def test_mentions_figure_shades_gaps_and_keeps_zero_days() -> None:
    volume = pd.DataFrame(
        {"period": pd.date_range("2023-07-01", periods=4).date, "posts": [3, 0, 0, 5]}
    )
    gap = coverage.Gap(
        date(2023, 6, 25), date(2023, 6, 30), "no data: before the first collected post"
    )
    fig = figures.mentions_figure(
        volume,
        FILM,
        (date(2023, 6, 25), date(2023, 7, 4)),
        drill=Drill({"film": "red-rooms"}),
        gaps=[gap],
    )
    (bars,) = fig.data
    assert list(bars.y) == [3, 0, 0, 5]
    assert list(bars.customdata)[1] == "/posts?film=red-rooms&from=2023-07-02&to=2023-07-02"
    shaded = [s for s in fig.layout.shapes if s.name == "gap"]
    assert len(shaded) == 1 and shaded[0].fillcolor == figures.NO_DATA
    assert any("before the first collected post" in str(a.text) for a in fig.layout.annotations)


def test_week_links_stay_inside_the_page_range() -> None:
    drill = Drill({"film": "red-rooms"}, date(2023, 7, 5), date(2023, 7, 31))
    assert drill.period(date(2023, 7, 3), "week") == {"from": "2023-07-05", "to": "2023-07-09"}
    assert drill.period(date(2023, 7, 31), "week") == {"from": "2023-07-31", "to": "2023-07-31"}
    assert Drill().period(date(2023, 7, 3), "week") == {"from": "2023-07-03", "to": "2023-07-09"}


def test_drill_links_narrow_the_page_filters() -> None:
    drill = Drill({"film": "red-rooms", "source": "mastodon,reddit"})
    assert drill.href(source="reddit") == "/posts?film=red-rooms&source=reddit"
    assert drill.href(intent=["piracy", "want_to_see"]) == (
        "/posts?film=red-rooms&source=mastodon,reddit&intent=piracy,want_to_see"
    )
    assert Drill().href() == "/posts" and Drill().href(lang="fr") == "/posts?lang=fr"
