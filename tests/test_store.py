"""The store contract: every query against known data, the same expectations for every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import StoreError
from pipeline.records import Signal
from pipeline.stores.base import AuthorRank, Filter, Store
from pipeline.stores.elasticsearch import ElasticsearchStore
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import day, enriched_post, posts, signals

T = datetime


def known_rows() -> list[dict]:
    return [
        enriched_post(
            1,
            published=T(2023, 7, 4, 10, tzinfo=UTC),
            label="pos",
            likes=50,
            aspects=[{"aspect": "story", "label": "neg", "score": -0.4}],
            extras='{"followers": 900}',
        ),
        enriched_post(
            2,
            published=T(2023, 7, 4, 23, 30, tzinfo=UTC),
            label="neg",
            source="letterboxd",
            text="Streamed it last night; the streams kept buffering",
        ),
        enriched_post(
            3,
            published=T(2023, 7, 5, 2, tzinfo=UTC),
            label="neu",
            lang="fr",
            detected_lang="fr",
            text="Glaçant et magnifique",
        ),
        enriched_post(
            4,
            film="monster",
            published=T(2023, 7, 5, 12, tzinfo=UTC),
            label="pos",
            intents=["where_to_watch", "want_to_see"],
            country="BR",
        ),
        enriched_post(
            5,
            film="monster",
            published=T(2023, 7, 12, 12, tzinfo=UTC),
            label="pos",
            aspects=[{"aspect": "acting", "label": "pos", "score": 0.5}],
            text="<b>Monster</b> = great",
            author="user4",
        ),
        enriched_post(
            6,
            published=T(2023, 7, 4, 11, tzinfo=UTC),
            label="pos",
            about=["red-rooms", "monster"],
            films=["red-rooms"],
            extras='{"followers": 120, "instance": "films.example"}',
        ),
    ]


@pytest.fixture(params=["embedded", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store
    if request.param == "embedded":
        opened = EmbeddedStore(tmp_path / "store.duckdb")
    else:
        opened = ElasticsearchStore(request.getfixturevalue("es_config"))
    opened.write_posts(posts(known_rows()))
    opened.write_signals(
        signals(
            [
                Signal("red-rooms", "wikipedia", "pageviews", day("2023-07-04"), 120.0, "en"),
                Signal("red-rooms", "wikipedia", "pageviews", day("2023-07-05"), 80.0, "en"),
            ]
        )
    )
    yield opened
    opened.close()


def test_store_volume_counts_posts_per_film_and_day(store: Store) -> None:
    volume = store.volume(Filter())
    rows = {(r.film, r.period.isoformat()): r.posts for r in volume.itertuples()}
    assert rows == {
        ("monster", "2023-07-04"): 1,
        ("monster", "2023-07-05"): 1,
        ("monster", "2023-07-12"): 1,
        ("red-rooms", "2023-07-04"): 3,
        ("red-rooms", "2023-07-05"): 1,
    }


def test_store_days_follow_the_filter_time_zone(store: Store) -> None:
    volume = store.volume(Filter(films=("red-rooms",), timezone="America/Montreal"))
    rows = {r.period.isoformat(): r.posts for r in volume.itertuples()}
    assert rows == {"2023-07-04": 4}  # 23:30 UTC and 02:00 UTC are still the 4th in Montréal


def test_store_weekly_granularity_starts_on_monday(store: Store) -> None:
    volume = store.volume(Filter(films=("monster",), granularity="week"))
    assert [(r.period.isoformat(), r.posts) for r in volume.itertuples()] == [
        ("2023-07-03", 2),
        ("2023-07-10", 1),
    ]


def test_store_sentiment_net_score(store: Store) -> None:
    frame = store.sentiment(
        Filter(films=("red-rooms",), start=day("2023-07-04"), end=day("2023-07-04"))
    )
    row = frame.iloc[0]
    assert (row.pos, row.neg, row.neu, row.posts) == (2, 1, 0, 3)
    assert row.net == pytest.approx(1 / 3)


def test_store_share_of_voice_sums_to_one(store: Store) -> None:
    share = store.share_of_voice(Filter())
    assert list(share.film) == ["red-rooms", "monster"]
    assert list(share.posts) == [4, 3]
    assert share.share.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("dimension", "film", "expected"),
    [
        ("source", "red-rooms", {"mastodon": 3, "letterboxd": 1}),
        ("lang", "red-rooms", {"en": 3, "fr": 1}),
        ("intent", "monster", {"where_to_watch": 1, "want_to_see": 1}),
        ("aspect", "monster", {"acting": 1}),
        ("aspect", "red-rooms", {"story": 1}),
        ("aspect_sentiment", "red-rooms", {"neg": 1}),
        ("country", "monster", {"BR": 1, "unknown": 2}),
    ],
)
def test_store_breakdowns(
    store: Store, dimension: str, film: str, expected: dict[str, int]
) -> None:
    frame = store.breakdown(Filter(films=(film,)), dimension)
    assert dict(zip(frame[dimension], frame.posts, strict=True)) == expected


@pytest.mark.parametrize(
    ("where", "count"),
    [
        (Filter(sources=("letterboxd",)), 1),
        (Filter(languages=("fr",)), 1),
        (Filter(countries=("BR",)), 1),
        (Filter(text="= great"), 1),
        (Filter(text="GREAT monster"), 1),
        (Filter(text="great boring"), 0),
        (Filter(text="grea"), 0),
        (Filter(text="GLAÇANT"), 1),
        (Filter(text="ant"), 0),
        (Filter(text="100%"), 0),
        (Filter(start=day("2023-07-06")), 1),
        (Filter(start=day("2024-01-01")), 0),
        (Filter(sentiments=("neg",)), 1),
        (Filter(sentiments=("pos", "neu")), 6),
        (Filter(intents=("piracy", "where_to_watch")), 1),
        (Filter(intents=("piracy",)), 0),
        (Filter(aspects=("acting",)), 1),
        (Filter(aspects=("acting",), aspect_sentiments=("neg",)), 0),
        (Filter(aspects=("story", "acting"), aspect_sentiments=("neg",)), 1),
        (Filter(aspect_sentiments=("pos",)), 1),
        (Filter(authors=("user4",)), 2),
        (Filter(min_engagement=3), 3),
        (Filter(min_engagement=0), 7),
        (Filter(text="stream"), 1),
        (Filter(text="STREAMING buffer"), 1),
        (Filter(text="streaming nothing"), 0),
        (Filter(text="glaçante"), 1),
        (Filter(text="magnifiques"), 1),
        (Filter(countries=("BR",), intents=("want_to_see",), sentiments=("pos",)), 1),
    ],
)
def test_store_filters(store: Store, where: Filter, count: int) -> None:
    assert int(store.volume(where).posts.sum()) == count


def test_store_empty_range_gives_empty_frames_with_columns(store: Store) -> None:
    where = Filter(start=day("2030-01-01"))
    assert list(store.volume(where).columns) == ["film", "period", "posts"]
    assert store.sentiment(where).empty and "net" in store.sentiment(where).columns
    assert store.top_posts(where).empty


def test_store_top_posts_by_engagement_with_links(store: Store) -> None:
    top = store.top_posts(Filter(films=("red-rooms",)), limit=2)
    assert top.iloc[0].id == known_rows()[0]["id"]
    assert top.iloc[0].engagement == 50 and top.iloc[0].url.startswith("https://")
    assert len(top) == 2


def test_store_upsert_by_id_never_duplicates(store: Store) -> None:
    rows = known_rows()
    rows[0]["sentiment_label"] = "neg"
    store.write_posts(posts(rows))
    assert store.post_count() == len(rows)
    assert store.sentiment(Filter(films=("red-rooms",), end=day("2023-07-04"))).iloc[0].neg == 2


def test_store_signals(store: Store) -> None:
    frame = store.signals(Filter(films=("red-rooms",)), metric="pageviews")
    assert list(frame.value) == [120.0, 80.0]
    assert store.signals(Filter(films=("monster",))).empty


def test_store_top_posts_pages_without_repeats(store: Store) -> None:
    first = store.top_posts(Filter(), limit=3)
    second = store.top_posts(Filter(), limit=3, offset=3)
    ids = [*first.id, *second.id]
    assert len(ids) == len(set(ids)) == len(known_rows())
    both = store.top_posts(Filter(films=("red-rooms", "monster"))).set_index("id")
    shared = known_rows()[5]["id"]
    assert list(both.loc[shared].films) == ["red-rooms", "monster"]


def test_store_counts_by_several_dimensions(store: Store) -> None:
    frame = store.counts(Filter(films=("monster",)), ["intent", "sentiment"])
    rows = {(r.period.isoformat(), r.intent, r.sentiment): r.posts for r in frame.itertuples()}
    assert rows == {
        ("2023-07-05", "want_to_see", "pos"): 1,
        ("2023-07-05", "where_to_watch", "pos"): 1,
    }
    frame = store.totals(Filter(), ["aspect", "source"])
    assert list(frame.columns) == ["film", "aspect", "source", "posts"]
    assert frame.to_dict("records") == [
        {"film": "monster", "aspect": "acting", "source": "mastodon", "posts": 1},
        {"film": "red-rooms", "aspect": "story", "source": "mastodon", "posts": 1},
    ]
    frame = store.totals(Filter(), ["aspect_sentiment", "sentiment", "aspect"])
    assert list(frame.columns) == ["film", "aspect_sentiment", "sentiment", "aspect", "posts"]
    assert [tuple(r)[1:] for r in frame.itertuples(index=False)] == [
        ("pos", "pos", "acting", 1),
        ("neg", "pos", "story", 1),
    ]


def test_store_unknown_breakdown_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="unknown breakdown 'genre'; choose from source, lang"):
        store.totals(Filter(), ["genre"])


@pytest.mark.parametrize(
    ("where", "expected"),
    [(None, 6), (Filter(), 6), (Filter(films=("red-rooms", "monster")), 6), (Filter(films=("monster",)), 3),
     (Filter(sources=("letterboxd",)), 1), (Filter(start=day("2031-01-01")), 0)],
)  # fmt: skip
def test_store_post_count_counts_each_post_once(
    store: Store, where: Filter | None, expected: int
) -> None:
    assert store.post_count(where) == expected


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        ("posts", ["user4", "user1", "user3", "user2", "user6"]),
        ("engagement", ["user1", "user4", "user3", "user2", "user6"]),
        ("reach", ["user1", "user6", "user4", "user3", "user2"]),
    ],
)
def test_store_authors_ranked(store: Store, rank: AuthorRank, expected: list[str]) -> None:
    frame = store.authors(Filter(), rank=rank)
    assert list(frame.columns) == ["source", "author", "posts", "engagement", "followers"]
    assert list(frame.author) == expected
    rows = {r.author: (r.source, r.posts, r.engagement) for r in frame.itertuples()}
    assert rows["user4"] == ("mastodon", 2, 4) and rows["user2"][0] == "letterboxd"
    followers = dict(zip(frame.author, frame.followers, strict=True))
    assert followers["user1"] == 900 and followers["user6"] == 120
    assert pd.isna(followers["user4"])
    assert list(store.authors(Filter(), rank=rank, limit=2).author) == expected[:2]


def test_store_authors_follow_the_filter(store: Store) -> None:
    frame = store.authors(Filter(films=("monster",), sentiments=("pos",)))
    assert dict(zip(frame.author, frame.posts, strict=True)) == {"user4": 2, "user6": 1}


def test_store_post_texts_sample_in_id_order(store: Store) -> None:
    monster = sorted(r["id"] for r in known_rows() if "monster" in r["about"])
    frame = store.post_texts(Filter(films=("monster",)), limit=2)
    assert list(frame.columns) == ["id", "lang", "title", "text"]
    assert list(frame.id) == monster[:2]
    texts = store.post_texts(Filter(languages=("fr",)))
    assert list(texts.text) == ["Glaçant et magnifique"] and list(texts.lang) == ["fr"]


def test_store_top_posts_carry_intents_country_and_followers(store: Store) -> None:
    top = store.top_posts(Filter()).set_index("id")
    rows = known_rows()
    assert list(top.loc[rows[3]["id"]].intents) == ["where_to_watch", "want_to_see"]
    assert top.loc[rows[3]["id"]].country == "BR"
    assert list(top.loc[rows[0]["id"]].intents) == []
    assert top.loc[rows[0]["id"]].followers == 900
    assert pd.isna(top.loc[rows[1]["id"]].followers)
