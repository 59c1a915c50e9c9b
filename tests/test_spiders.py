"""Each spider against the replay site: items, pagination, last page, re-crawls, failures."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pyarrow.compute as pc
import pytest

from crawlers.replay import Fault, ReplaySite
from crawlers.replay.snapshot import Snapshot
from pipeline.config import Config
from pipeline.lake import Lake
from pipeline.stages.crawl import crawl

SNAPSHOT = Snapshot.load()


def lake_of(config: Config) -> Lake:
    return Lake(config.data_dir / "lake")


def followed(config: Config) -> dict[str, set[str]]:
    return {f.slug: {t.lower() for t in f.hashtags} for f in config.films}


def expected_mastodon_uris(config: Config) -> set[str]:
    tags = set().union(*followed(config).values())
    return {
        f"https://{p.instances[0]}/users/{p.author}/statuses/{p.native_id}"
        for p in SNAPSHOT.of_source("mastodon")
        if tags & set(p.tags)
    }


def test_spider_mastodon_collects_every_tagged_status_once(
    example_config: Config, replay: ReplaySite
) -> None:
    result = crawl(example_config, ["mastodon"], replay.host_map, fast=True)
    raw = lake_of(example_config).read("raw")
    uris = raw.column("source_id").to_pylist()
    assert len(uris) == len(set(uris)), "a status seen on two instances or two tags is kept once"
    assert set(uris) == expected_mastodon_uris(example_config)
    assert result.sources["mastodon"]["posts"] == len(uris)
    pages = Counter(path.split("?")[0] for host, path in replay.requests if "timelines" in path)
    assert max(pages.values()) > 1, "long timelines are followed through their Link header"
    first = raw.filter(pc.equal(raw["source_id"], uris[0])).to_pylist()[0]
    assert "<" not in first["text"] and first["author"] and "@" in first["author"]
    assert first["published_at"].tzinfo is not None
    handle = first["author"].split("@")[0]
    assert json.loads(first["extras"])["followers"] == 10 + len(handle) * 37  # the replay's count


def test_spider_mastodon_post_keeps_entities_decoded(
    example_config: Config, replay: ReplaySite
) -> None:
    crawl(example_config, ["mastodon"], replay.host_map, fast=True)
    texts = lake_of(example_config).read("raw", ["text"]).column("text").to_pylist()
    originals = {p.text for p in SNAPSHOT.of_source("mastodon") if "&" in p.text or "<" in p.text}
    assert originals, "the snapshot has posts with & and < to check"
    assert originals <= set(texts)


def test_spider_letterboxd_reads_every_page_to_the_last(
    example_config: Config, replay: ReplaySite
) -> None:
    crawl(example_config, ["letterboxd"], replay.host_map, fast=True)
    raw = lake_of(example_config).read("raw").to_pylist()
    reviews = SNAPSHOT.of_source("letterboxd")
    assert len(raw) == len(reviews)
    by_viewing = {f"viewing:{p.native_id}": p for p in reviews}
    for row in raw:
        original = by_viewing[row["source_id"]]
        assert row["rating"] == original.rating
        assert json.loads(row["extras"])["spoiler"] == original.spoiler
        assert row["likes"] == original.likes and row["lang"] == original.lang
        assert row["url"] == f"https://letterboxd.com/{original.author}/film/{original.slug}/"
        assert row["films"] == [original.labels["film"]]
    per_film = Counter(p.slug for p in reviews)
    listing_pages = [path for host, path in replay.requests if "/reviews/by/" in path]
    assert len(listing_pages) == sum(-(-n // 12) for n in per_film.values())


def test_spider_wikipedia_collects_daily_pageviews_as_signals(
    example_config: Config, replay: ReplaySite
) -> None:
    result = crawl(example_config, ["wikipedia"], replay.host_map, fast=True)
    signals = lake_of(example_config).read("signals")
    assert signals.num_rows == len(SNAPSHOT.pageviews) == result.signals
    assert set(signals.column("key").to_pylist()) == {"en", "fr", "ja", "ko"}
    assert sum(signals.column("value").to_pylist()) == sum(v.views for v in SNAPSHOT.pageviews)


def test_spider_feeds_keeps_film_news_and_uses_conditional_get(
    example_config: Config, replay: ReplaySite
) -> None:
    crawl(example_config, ["feeds"], replay.host_map, fast=True)
    raw = lake_of(example_config).read("raw").to_pylist()
    film_news = [p for p in SNAPSHOT.of_source("feeds") if p.film]
    assert {p.title for p in film_news} <= {r["title"] for r in raw}
    hosts = {"www.indiewire.com", "filmmakermagazine.com", "natalie.mu", "www.youtube.com"}
    assert {r["url"].split("/")[2] for r in raw} == hosts, "RSS, Atom and a YouTube channel"
    assert all(len(r["text"]) <= 601 for r in raw), "an excerpt, not the article"
    by_host = {r["url"].split("/")[2]: r for r in raw}
    trailer = next(p for p in film_news if p.video)
    assert by_host["www.youtube.com"]["text"] == trailer.text, "the video's description"
    assert by_host["www.youtube.com"]["lang"] is None
    assert "怪物が" in by_host["natalie.mu"]["text"] and by_host["natalie.mu"]["lang"] == "ja"
    assert {r["lang"] for r in raw if "indiewire" in r["url"]} == {"en"}
    again = crawl(example_config, ["feeds"], replay.host_map, fast=True)
    assert again.sources["feeds"]["counters"].get("not_modified") == 4
    assert again.posts == 0


def test_crawl_again_adds_nothing(example_config: Config, replay: ReplaySite) -> None:
    first = crawl(example_config, host_map=replay.host_map, fast=True)
    lake = lake_of(example_config)
    before = (lake.count("raw"), lake.count("signals"))
    second = crawl(example_config, host_map=replay.host_map, fast=True)
    assert first.posts > 600 and second.posts == 0 and second.signals == 0
    assert (lake.count("raw"), lake.count("signals")) == before
    assert not second.error_lines


def test_crawl_after_the_site_grows_adds_exactly_the_new_posts(example_config: Config) -> None:
    cutoff = datetime(2023, 7, 10, tzinfo=UTC)
    with ReplaySite(cutoff=cutoff) as early:
        first = crawl(example_config, ["mastodon", "letterboxd"], early.host_map, fast=True)
    with ReplaySite() as full:
        second = crawl(example_config, ["mastodon", "letterboxd"], full.host_map, fast=True)
    total = lake_of(example_config).count("raw")
    assert first.posts > 0 and second.posts > 0
    assert first.posts + second.posts == total
    ids = lake_of(example_config).read("raw", ["id"]).column("id").to_pylist()
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("host", "fault", "expected"),
    [
        (
            "piaille.fr",
            Fault(
                "/api/v1/timelines", 401, body=b'{"error":"The access token is invalid"}', times=99
            ),
            "signed-in users only",
        ),
        (
            "letterboxd.com",
            Fault("/film/", 403, body=b"<title>Just a moment...</title>", times=99),
            "Cloudflare",
        ),
        (
            "wikimedia.org",
            Fault("/api/", 404, body=b'{"title":"Not found."}', times=99),
            "no pageviews",
        ),
    ],
)
def test_crawl_source_failure_is_one_clear_line_and_others_continue(
    example_config: Config, replay: ReplaySite, host: str, fault: Fault, expected: str
) -> None:
    replay.faults.add(host, fault)
    result = crawl(example_config, host_map=replay.host_map, fast=True)
    assert any(expected in line for line in result.error_lines), result.error_lines
    healthy = [s for s, stats in result.sources.items() if stats["errors"] == 0]
    assert len(healthy) >= 3
    assert result.posts > 0


def test_crawl_retries_rate_limited_answers(example_config: Config, replay: ReplaySite) -> None:
    replay.faults.add(
        "letterboxd.com", Fault("/film/red-rooms/", 429, {"Retry-After": "0"}, times=1)
    )
    crawl(example_config, ["letterboxd"], replay.host_map, fast=True)
    assert lake_of(example_config).count("raw") == len(SNAPSHOT.of_source("letterboxd"))
