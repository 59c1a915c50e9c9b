"""The shapes the real services serve, as the replay site serves them, read by our parsers:
Letterboxd's includes, CJK titles in running text, YouTube channel feeds, feed languages."""

from __future__ import annotations

import re

import pytest
from parsel import Selector

from crawlers.bases.feed import parse_feed
from crawlers.parsers import letterboxd as lb
from crawlers.replay import feeds, letterboxd_pages
from crawlers.replay.matching import matches
from crawlers.replay.snapshot import Snapshot
from crawlers.text import TitleMatcher
from nlp.boundaries import bounded
from pipeline.config import Film

SNAPSHOT = Snapshot.load()
RED_ROOMS = SNAPSHOT.catalog["letterboxd"]["red-rooms"]
QUIET = SNAPSHOT.catalog["letterboxd"]["quiet-film"]
MONSTER = Film(slug="monster", title="Monster", year=2023, titles=["怪物", "Kaibutsu"])


def test_letterboxd_film_page_holds_no_statistics_only_a_placeholder() -> None:
    page = Selector(text=letterboxd_pages.film_page("red-rooms", RED_ROOMS))
    assert lb.film_statistics(page) == {}
    assert page.css(".production-statistic-list::attr(data-src)").get() == (
        "/csi/film/red-rooms/stats/"
    )


def test_letterboxd_stats_include_gives_exact_counts() -> None:
    fragment = letterboxd_pages.stats("red-rooms", RED_ROOMS)
    assert "48,213&nbsp;members" in fragment and ">48.2K<" in fragment  # exact label, rounded text
    stats = lb.film_statistics(Selector(text=fragment))
    assert stats == {"watches": 48213, "lists": 9120, "likes": 11874}


@pytest.mark.parametrize("layout", [letterboxd_pages.ratings_summary, letterboxd_pages.histogram])
def test_letterboxd_half_star_bucket_is_its_own_bar(layout: object) -> None:
    fragment = layout("red-rooms", RED_ROOMS)  # type: ignore[operator]
    assert "half-★ ratings" in fragment and "½ ratings" in fragment
    totals, bars = lb.histogram(Selector(text=fragment))
    expected = {f"{(i + 1) / 2:.1f}": float(n) for i, n in enumerate(RED_ROOMS["histogram"])}
    assert bars == expected, "0.5 read as 0.5, and the 1★ bar does not overwrite it"
    assert totals == {"fans": 412, "average_rating": 3.71}


def test_letterboxd_empty_buckets_read_as_zero_and_no_average_for_few_ratings() -> None:
    fragment = letterboxd_pages.ratings_summary("quiet-film", QUIET)
    assert 'title="No half-★ ratings"' in fragment and '<span class="barcolumn' in fragment
    totals, bars = lb.histogram(Selector(text=fragment))
    assert bars["0.5"] == 0 and bars["2.0"] == 1 and len(bars) == 10
    assert totals == {"fans": 0}


@pytest.mark.parametrize(
    ("label", "parsed"),
    [
        ("471\xa0half-★ ratings (0%)", ("0.5", 471.0)),
        ("1 half-★ rating (4%)", ("0.5", 1.0)),
        ("1,578 ★ ratings (1%)", ("1.0", 1578.0)),
        ("2,743 ★½ ratings (2%)", ("1.5", 2743.0)),
        ("No ★★★★½ ratings", ("4.5", 0.0)),
        ("Weighted average of 2.93", None),
    ],
)
def test_letterboxd_bar_titles(label: str, parsed: tuple[str, float] | None) -> None:
    assert lb.bar(label) == parsed


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("初日に是枝監督の怪物を観てきた", True),  # Japanese: no spaces around the title
        ("是枝裕和的新片怪物在哪里可以看到", True),  # Chinese
        ("Kore-eda's 怪物 (Monster)", True),
        ("Kaibutsunotes are here", False),  # Latin letters still need a word boundary
        ("a kaibutsu-ish mood", True),
    ],
)
def test_title_matcher_finds_cjk_titles_inside_running_text(text: str, found: bool) -> None:
    assert (TitleMatcher([MONSTER]).films_in(text) == ["monster"]) is found


def test_replayed_search_matches_cjk_titles_inside_running_text() -> None:
    assert matches('"Monster" OR "怪物"', "週末こそ怪物を観に行きたい")
    assert not matches('"Monster"', "monstersized")
    assert not re.search(bounded("monster", "#"), "#monster")


def test_youtube_channel_feed_keeps_the_description_from_media_group() -> None:
    posts = [p for p in SNAPSHOT.of_source("feeds") if p.video]
    channel = posts[0].feed.split("channel_id=")[1]  # type: ignore[union-attr]
    body = feeds.youtube_channel(posts, channel)
    assert "<summary" not in body and "<media:description>" in body
    entries = {e.id: e for e in parse_feed(body)}
    trailer = next(p for p in posts if p.film)
    entry = entries[feeds.entry_id(trailer)]
    assert entry.summary == trailer.text and entry.title == trailer.title
    assert entry.link == f"https://www.youtube.com/watch?v={trailer.video}"


def test_feed_language_comes_from_rss_language_and_atom_xml_lang() -> None:
    natalie = [p for p in SNAPSHOT.of_source("feeds") if p.feed == "natalie.mu/eiga/feed/news"]
    assert {e.lang for e in parse_feed(feeds.rss(natalie, "natalie.mu"))} == {"ja"}
    atom = [p for p in SNAPSHOT.of_source("feeds") if (p.feed or "").endswith("/atom/")]
    assert {e.lang for e in parse_feed(feeds.atom(atom, "filmmakermagazine.com"))} == {"en-US"}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.reddit.com", True),
        ("https://www.reddit.com/", True),
        ("https://www.reddit.com/comments/1zz9k2q/_/kq7a1b2/", False),
        ("https://www.youtube.com/watch?v=Yt2MnTrl0v7", False),
    ],
)
def test_validation_refuses_a_bare_site_root_as_a_post_url(url: str, problem: bool) -> None:
    from datetime import UTC, datetime

    from crawlers.pipelines.validate import post_problem
    from pipeline.records import Post

    post = Post("reddit", "t1_x", url, "text", datetime(2023, 7, 1, tzinfo=UTC), ["monster"])
    assert (post_problem(post) or "").startswith("url:") is problem


def test_reddit_comment_without_permalink_gets_a_real_url() -> None:
    from crawlers.spiders.reddit import comment_url, is_continuation

    url = comment_url({"id": "kq7a1b2", "link_id": "t3_1zz9k2q"})
    assert url == "https://www.reddit.com/comments/1zz9k2q/_/kq7a1b2/"
    stub = {
        "kind": "more",
        "data": {"count": 0, "name": "t1__", "id": "_", "parent_id": "t1_a", "children": []},
    }
    assert is_continuation(stub)
    listed = {
        "kind": "more",
        "data": {"count": 2, "id": "b", "parent_id": "t1_a", "children": ["b", "c"]},
    }
    assert not is_continuation(listed)
