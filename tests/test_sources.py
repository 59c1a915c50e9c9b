"""Every source against the replay site in one crawl: normal pages, the end of pagination,
re-runs that add nothing, a snapshot that grows, empty results, and a planted secret."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from crawlers.replay import ReplaySite, ids
from pipeline.config import Config
from pipeline.lake import Lake
from pipeline.stages.crawl import CrawlResult, crawl
from tests.replay_config import SNAPSHOT, all_sources_config, expected_ids

PLANTED = {
    "FILMBUZZ_REDDIT_CLIENT_ID": "planted-client-id-4c1d",
    "FILMBUZZ_REDDIT_CLIENT_SECRET": "PLANTED-reddit-secret-7f3a9",
    "FILMBUZZ_BLUESKY_HANDLE": "planted.bsky.social",
    "FILMBUZZ_BLUESKY_APP_PASSWORD": "PLANTED-app-pass-55e2",
    "FILMBUZZ_YOUTUBE_API_KEY": "PLANTED-youtube-key-0b77",
    "FILMBUZZ_X_BEARER_TOKEN": "PLANTED-x-bearer-91c4",
    "FILMBUZZ_TMDB_READ_TOKEN": "PLANTED-tmdb-read-token-3e8d",
}


@dataclass
class Crawled:
    config: Config
    first: CrawlResult
    again: CrawlResult
    requests: list[tuple[str, str]]
    rows: list[dict[str, object]]
    signals: pa.Table

    def of(self, source: str) -> list[dict[str, object]]:
        return [r for r in self.rows if r["source"] == source]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """Every source crawled twice over the same snapshot, with planted credentials."""
    config = all_sources_config(tmp_path_factory.mktemp("all"))
    with ReplaySite(credentials=PLANTED) as site:
        first = crawl(config, host_map=site.host_map, fast=True, env=PLANTED)
        requests = list(site.requests)
        again = crawl(config, host_map=site.host_map, fast=True, env=PLANTED)
    lake = Lake(config.data_dir / "lake")
    return Crawled(
        config, first, again, requests, lake.read("raw").to_pylist(), lake.read("signals")
    )


def test_crawl_every_source_collects_its_whole_snapshot(crawled: Crawled) -> None:
    assert not crawled.first.error_lines and not crawled.first.skipped
    expected = expected_ids(crawled.config)
    for source, wanted in expected.items():
        got = [str(r["source_id"]) for r in crawled.of(source)]
        assert len(got) == len(set(got)), f"{source}: a post is kept once"
        assert set(got) == wanted, source
        assert crawled.first.sources[source]["posts"] == len(wanted), source
    assert sum(len(w) for w in expected.values()) > 900


def test_crawl_again_over_the_same_snapshot_adds_nothing(crawled: Crawled) -> None:
    again = crawled.again
    assert again.posts == 0 and again.signals == 0 and not again.error_lines
    assert again.sources["feeds"]["counters"].get("not_modified") == 4
    assert again.sources["reddit"]["requests"] < crawled.first.sources["reddit"]["requests"]


@pytest.mark.parametrize(
    ("source", "path", "min_pages"),
    [
        ("mastodon", "/api/v1/timelines/tag/", 2),
        ("bluesky", "/xrpc/app.bsky.feed.searchPosts", 2),
        ("reddit", "/search", 2),
        ("youtube", "/youtube/v3/commentThreads", 2),
        ("x", "/2/tweets/search/recent", 2),
    ],
)
def test_crawl_follows_pages_to_the_last(
    crawled: Crawled, source: str, path: str, min_pages: int
) -> None:
    cursors = {
        "bluesky": "cursor=",
        "reddit": "after=",
        "youtube": "pageToken=",
        "x": "next_token=",
    }
    pages = [p for _, p in crawled.requests if path in p]
    following = [p for p in pages if cursors.get(source, "max_id=") in p]
    assert len(following) >= min_pages - 1, f"{source} follows its next-page links"


def test_spider_letterboxd_reads_full_text_stats_and_rss(crawled: Crawled) -> None:
    rows = {r["source_id"]: r for r in crawled.of("letterboxd")}
    originals = {f"viewing:{p.native_id}": p for p in SNAPSHOT.of_source("letterboxd")}
    long = [k for k, p in originals.items() if len(p.text) > 450]
    assert long, "the snapshot has reviews cut on their cards"
    for key in long:
        assert rows[key]["text"] == originals[key].text.replace("\n\n", "\n"), key
    assert all(rows[k]["rating"] == originals[k].rating for k in rows)
    assert any(json.loads(str(r["extras"]))["spoiler"] for r in rows.values())
    assert any("/rss/" in p for _, p in crawled.requests)
    last_pages = [p for _, p in crawled.requests if "/reviews/by/" in p]
    per_film = Counter(p.slug for p in SNAPSHOT.of_source("letterboxd"))
    assert len(last_pages) == sum(-(-n // 12) for n in per_film.values())
    stats = crawled.signals.filter(
        pa.compute.equal(crawled.signals["source"], "letterboxd")
    ).to_pylist()
    metrics = Counter((s["film"], s["metric"]) for s in stats)
    assert metrics[("red-rooms", "ratings")] == 10
    catalog = SNAPSHOT.catalog["letterboxd"]
    for metric in ("watches", "lists", "likes"):  # from the /csi/film/{slug}/stats/ include
        values = {s["film"]: s["value"] for s in stats if s["metric"] == metric}
        assert values == {
            "red-rooms": catalog["red-rooms"][metric],
            "monster": catalog["monster-2023"][metric],
            "past-lives": catalog["past-lives"][metric],
        }, metric
    fans = {s["film"]: s["value"] for s in stats if s["metric"] == "fans"}
    assert fans["monster"] == 1800  # "1.8K fans": the include rounds
    half = {s["film"]: s["value"] for s in stats if s["metric"] == "ratings" and s["key"] == "0.5"}
    one = {s["film"]: s["value"] for s in stats if s["metric"] == "ratings" and s["key"] == "1.0"}
    assert half["red-rooms"] == catalog["red-rooms"]["histogram"][0], "the half-★ bar"
    assert one["red-rooms"] == catalog["red-rooms"]["histogram"][1]
    assert any("/csi/film/red-rooms/stats/" in p for _, p in crawled.requests)
    assert not any(p == "/film/red-rooms/" for _, p in crawled.requests), "placeholders only"


def test_spider_youtube_reads_replies_and_trailer_statistics(crawled: Crawled) -> None:
    rows = crawled.of("youtube")
    replies = [r for r in rows if r["parent_id"]]
    assert len(replies) == sum(1 for p in SNAPSHOT.of_source("youtube") if p.parent)
    assert any("/youtube/v3/comments?" in p for _, p in crawled.requests), (
        "long reply lists are paged"
    )
    views = {
        s["key"]: s["value"]
        for s in crawled.signals.to_pylist()
        if s["source"] == "youtube" and s["metric"] == "views"
    }
    assert views["Pl7A24Trl04"] == 2874512 and len(views) == 4


def test_spider_reddit_expands_more_comments_and_keeps_threads(crawled: Crawled) -> None:
    rows = crawled.of("reddit")
    assert any("/api/morechildren" in p for _, p in crawled.requests)
    threads = [r for r in rows if str(r["source_id"]).startswith("t3_")]
    comments = [r for r in rows if str(r["source_id"]).startswith("t1_")]
    assert threads and comments and all(r["parent_id"] for r in comments)
    assert all(r["title"] for r in threads)


def test_spider_reddit_follows_continue_this_thread_stubs(crawled: Crawled) -> None:
    rows = {str(r["source_id"]): r for r in crawled.of("reddit")}
    deep = [p for p in SNAPSHOT.of_source("reddit") if p.id in {"rdc38", "rdc39", "rdc40"}]
    assert deep and all(ids.reddit_fullname(p) in rows for p in deep), "replies behind the stubs"
    continued = [p for _, p in crawled.requests if "/comments/" in p and "comment=" in p]
    assert len(continued) >= 2, "a stub inside a continued thread is followed too"
    assert crawled.first.sources["reddit"]["counters"]["threads_continued"] >= 2


def test_spider_reddit_builds_urls_for_comments_without_permalink(crawled: Crawled) -> None:
    old = [p for p in SNAPSHOT.of_source("reddit") if p.parent and p.published.month < 7]
    rows = {str(r["source_id"]): r for r in crawled.of("reddit")}
    kept = [rows[ids.reddit_fullname(p)] for p in old if ids.reddit_fullname(p) in rows]
    assert kept
    for row in kept:
        thread, comment = str(row["extras"]), str(row["source_id"]).removeprefix("t1_")
        assert str(row["url"]).endswith(f"/_/{comment}/") and "/comments/" in str(row["url"])
        assert json.loads(thread)["thread"].removeprefix("t3_") in str(row["url"])


def test_spider_bluesky_keeps_japanese_and_chinese_posts_naming_the_title(
    crawled: Crawled,
) -> None:
    texts = [str(r["text"]) for r in crawled.of("bluesky")]
    assert any("怪物を観" in t for t in texts) and any("新片怪物在" in t for t in texts)


def test_spider_x_and_bluesky_name_their_authors(crawled: Crawled) -> None:
    for source in ("x", "bluesky"):
        rows = crawled.of(source)
        assert all(r["author"] and r["url"].startswith("https://") for r in rows), source
    assert all(str(r["author"]).endswith(".bsky.social") for r in crawled.of("bluesky"))
    # X gives each author's followers (users' public_metrics); Bluesky's search does not.
    for row in crawled.of("x"):
        assert json.loads(row["extras"])["followers"] == 40 + len(row["author"]) * 53


def test_crawl_planted_secrets_never_reach_logs_lake_or_state(crawled: Crawled) -> None:
    data = crawled.config.data_dir
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".log" for p in files)
    secrets = [v for k, v in PLANTED.items() if "HANDLE" not in k and "CLIENT_ID" not in k]
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{secret} leaked into {path}"


def test_crawl_after_the_snapshot_grows_adds_exactly_the_new_posts(
    crawled: Crawled, tmp_path: Path
) -> None:
    config = all_sources_config(tmp_path)
    with ReplaySite(cutoff=datetime(2023, 7, 10, tzinfo=UTC), credentials=PLANTED) as early:
        first = crawl(config, host_map=early.host_map, fast=True, env=PLANTED)
    with ReplaySite(credentials=PLANTED) as full:
        second = crawl(config, host_map=full.host_map, fast=True, env=PLANTED)
    for source, stats in crawled.first.sources.items():
        grown = first.sources[source]["posts"] + second.sources[source]["posts"]
        assert grown == stats["posts"], source
    ids = Lake(config.data_dir / "lake").read("raw", ["id"]).column("id").to_pylist()
    assert sorted(ids) == sorted(str(r["id"]) for r in crawled.rows)


QUIET_FILM = """
[[films]]
slug = "quiet-film"
title = "Quiet Film"
year = 2023
aliases = ["#QuietFilmNobodyTags"]

[films.ids]
letterboxd = "quiet-film"
wikipedia = { en = "Quiet Film (2023 film)" }
youtube = ["Qu1etTrl005"]
"""


def test_crawl_empty_results_end_cleanly(tmp_path: Path) -> None:
    config = all_sources_config(tmp_path, films=QUIET_FILM)
    with ReplaySite(credentials=PLANTED) as site:
        result = crawl(config, host_map=site.host_map, fast=True, env=PLANTED, films=["quiet-film"])
        asked = [p for _, p in site.requests]
    assert result.posts == 0
    assert [line for line in result.error_lines if "wikipedia" not in line] == []
    assert any("no article 'Quiet Film (2023 film)'" in line for line in result.error_lines)
    counters = {s: v["counters"] for s, v in result.sources.items()}
    for source in ("bluesky", "reddit", "youtube", "x"):
        assert counters[source].get("empty_results"), source
    assert counters["mastodon"].get("empty_timelines") == 2
    assert any("/film/quiet-film/reviews/by/added/" in p for p in asked)
    assert result.signals > 0, "the quiet film still has Letterboxd and trailer statistics"


def test_demo_config_turns_every_source_on_with_fake_keys(tmp_path: Path) -> None:
    from crawlers.replay.accounts import DEMO_ENV
    from pipeline.stages.crawl import choose
    from pipeline.stages.demo import prepare
    from tests.conftest import EXAMPLE

    config = prepare(EXAMPLE, tmp_path)
    assert config.sources.enabled() == list(type(config.sources).model_fields)
    chosen, skipped = choose(config, None, DEMO_ENV)
    assert len(chosen) == 9 and skipped == {}


def test_cli_sources_shows_each_source_last_run(
    crawled: Crawled, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.cli import main

    monkeypatch.delenv("FILMBUZZ_X_BEARER_TOKEN", raising=False)
    monkeypatch.setenv("FILMBUZZ_YOUTUBE_API_KEY", "k")
    assert main(["sources", "--config", str(crawled.config.path)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert set(lines) >= {"source", *crawled.first.sources}
    assert " ok " in lines["mastodon"] and lines["mastodon"].endswith("not needed")
    assert lines["x"].endswith("missing: FILMBUZZ_X_BEARER_TOKEN")
    assert " ok " not in lines["x"], "a source that cannot run now is not shown as ok"
    assert lines["youtube"].endswith("present")


def test_crawl_backfill_ignores_cursors_within_the_budget(crawled: Crawled) -> None:
    with ReplaySite(credentials=PLANTED) as site:
        back = crawl(
            crawled.config,
            ["mastodon", "x"],
            site.host_map,
            fast=True,
            env=PLANTED,
            backfill_days=36500,
        )
    assert back.posts == 0, "the lake already has everything"
    for source in ("mastodon", "x"):
        assert back.sources[source]["requests"] > crawled.again.sources[source]["requests"], source


def test_sources_last_success_survives_a_failed_run(example_config: Config) -> None:
    from pipeline.stages.sources import record_runs, source_statuses

    state = example_config.data_dir / "state"
    record_runs(state, {"mastodon": {"posts": 3, "signals": 0, "errors": 0}}, {})
    first = {s.name: s for s in source_statuses(example_config)}["mastodon"]
    assert first.status == "ok" and first.last_success == first.last_run
    record_runs(state, {"mastodon": {"posts": 0, "signals": 0, "errors": 2}}, {})
    second = {s.name: s for s in source_statuses(example_config)}["mastodon"]
    assert second.status == "failed" and second.last_success == first.last_success
