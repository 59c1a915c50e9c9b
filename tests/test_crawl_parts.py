"""The crawl's parts without a crawl: rate-limit waits, cache policy, secrets, parsers, settings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.http import Headers, Response
from scrapy.settings import Settings

from crawlers import credentials
from crawlers.cache import SuccessOnlyPolicy
from crawlers.cursors import CursorStore
from crawlers.impersonate import HANDLER, impersonation_settings
from crawlers.middlewares.ratelimit import RateLimitMiddleware, requested_wait
from crawlers.parsers import letterboxd as lb
from crawlers.replay import letterboxd_pages
from crawlers.replay.snapshot import Snapshot
from crawlers.spiders.wikipedia import canonical_title
from pipeline.config import Config, parse_config

NOW = 1_700_000_000.0


class NoStats:
    def inc_value(self, key: str, count: int = 1) -> None:
        pass


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"Retry-After": "7"}, 7.0),
        (
            503,
            {"Retry-After": format_datetime(datetime.fromtimestamp(NOW + 30, UTC), usegmt=True)},
            30.0,
        ),
        (200, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW + 60))}, 60.0),
        (200, {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "42"}, 42.0),
        (
            200,
            {
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": datetime.fromtimestamp(NOW + 90, UTC).isoformat(),
            },
            90.0,
        ),
        (200, {"X-Ratelimit-Remaining": "57", "X-Ratelimit-Reset": "42"}, None),
        (200, {"Retry-After": "7"}, None),
        (429, {}, None),
    ],
)
def test_ratelimit_requested_wait_reads_every_header_style(
    status: int, headers: dict[str, str], expected: float | None
) -> None:
    wait = requested_wait(status, Headers(headers), NOW)
    assert wait == (pytest.approx(expected, abs=1) if expected is not None else None)


def test_ratelimit_pause_is_capped_with_jitter_and_429_backs_off() -> None:
    middleware = RateLimitMiddleware(max_wait=20, backoff=2, stats=NoStats())  # type: ignore[arg-type]
    assert 20 <= middleware.pause("a.example", 3600) <= 22
    request = Request("https://b.example/x")
    for expected in (2, 4, 8):
        middleware.process_response(request, Response(request.url, status=429, request=request))
        assert middleware.strikes["b.example"] == expected.bit_length() - 1
    middleware.process_response(request, Response(request.url, status=200, request=request))
    assert "b.example" not in middleware.strikes


@pytest.mark.parametrize(
    ("meta", "headers", "status", "stored"),
    [
        ({"cache": True}, {}, 200, True),
        ({}, {}, 200, False),
        ({"cache": True}, {"Authorization": "Bearer x"}, 200, False),
        ({"cache": True}, {}, 403, False),
        ({"cache": True}, {}, 429, False),
        ({"cache": True}, {}, 503, False),
    ],
)
def test_cache_policy_never_stores_errors_or_credentials(
    meta: dict[str, bool], headers: dict[str, str], status: int, stored: bool
) -> None:
    policy = SuccessOnlyPolicy(Settings())
    request = Request("https://letterboxd.com/s/full-text/viewing:1/", meta=meta, headers=headers)
    response = Response(request.url, status=status, request=request)
    assert (
        policy.should_cache_request(request) and policy.should_cache_response(response, request)
    ) is stored


def test_settings_verify_tls_and_bound_downloads() -> None:
    settings = Settings()
    settings.setmodule("crawlers.settings")
    assert settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES")
    assert 1024 * 1024 <= settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert settings.get("HTTPCACHE_POLICY") == "crawlers.cache.SuccessOnlyPolicy"
    assert "crawlers.middlewares.ratelimit.RateLimitMiddleware" in settings.getdict(
        "DOWNLOADER_MIDDLEWARES"
    )


def test_credentials_redactor_hides_secrets_in_messages_and_tracebacks() -> None:
    env = {"FILMBUZZ_X_BEARER_TOKEN": "tok-123456", "FILMBUZZ_REDDIT_CLIENT_SECRET": "sec-abcdef"}
    redactor = credentials.SecretRedactor(credentials.all_secrets(env))
    try:
        raise ValueError("bad token tok-123456")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, "f", 1, "got %s and %s", ("tok-123456", "sec-abcdef"), None
        )
        record.exc_info = __import__("sys").exc_info()
    assert redactor.filter(record)
    assert record.getMessage() == "got *** and ***"
    assert "tok-123456" not in (record.exc_text or "") and "***" in (record.exc_text or "")


@pytest.mark.parametrize(
    ("source", "env", "absent"),
    [
        ("reddit", {"FILMBUZZ_REDDIT_CLIENT_ID": "a"}, ["FILMBUZZ_REDDIT_CLIENT_SECRET"]),
        ("x", {"FILMBUZZ_X_BEARER_TOKEN": "  "}, ["FILMBUZZ_X_BEARER_TOKEN"]),
        ("mastodon", {}, []),
        ("youtube", {"FILMBUZZ_YOUTUBE_API_KEY": "k"}, []),
    ],
)
def test_credentials_missing_names_the_variables(
    source: str, env: dict[str, str], absent: list[str]
) -> None:
    assert credentials.missing(source, env) == absent


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Watched by 48,213 members", 48213),
        ("1.2K fans", 1200),
        ("3.71 out of 5", 3.71),
        ("2M views", 2_000_000),
        ("none", None),
    ],
)
def test_parser_letterboxd_number_reads_counts(label: str, value: float | None) -> None:
    assert lb.number(label) == value


def test_parser_letterboxd_reads_rss() -> None:
    snapshot = Snapshot.load()
    reviews = [p for p in snapshot.of_source("letterboxd") if p.author == "lea_enfilms"]
    items = list(
        lb.rss_reviews(letterboxd_pages.rss("lea_enfilms", reviews, snapshot.catalog["letterboxd"]))
    )
    assert items.count(None) == 1, "the list item is skipped"
    first = next(i for i in items if i)
    assert first.author == "lea_enfilms" and first.published and first.published.tzinfo == UTC
    assert first.viewing in {p.native_id for p in reviews}


@pytest.mark.parametrize(
    ("data", "title"),
    [
        ({"query": {"pages": [{"title": "Red Rooms (film)"}]}}, "Red Rooms (film)"),
        (
            {
                "query": {
                    "normalized": [{"from": "Kaibutsu_(film)", "to": "Kaibutsu (film)"}],
                    "redirects": [{"from": "Kaibutsu (film)", "to": "Monster (2023 film)"}],
                    "pages": [{"title": "Monster (2023 film)"}],
                }
            },
            "Monster (2023 film)",
        ),
        ({"query": {"pages": [{"title": "Nope", "missing": True}]}}, None),
        ({}, None),
    ],
)
def test_spider_wikipedia_canonical_title_follows_redirects(
    data: dict[str, object], title: str | None
) -> None:
    asked = "Kaibutsu_(film)" if "normalized" in str(data) else "Red Rooms (film)"
    assert canonical_title(data, asked if title != "Nope" else "Nope") == title


def test_cursor_hold_keeps_the_saved_value(tmp_path: object) -> None:
    from pathlib import Path

    store = CursorStore(Path(str(tmp_path)) / "c.json")
    store.propose("a|b", "1")
    store.commit()
    store.hold("a|b")
    store.propose("a|b", "2")
    store.propose("thread|f|t3_x", "10:2")
    store.commit()
    again = CursorStore(Path(str(tmp_path)) / "c.json")
    assert again.get("a|b") == "1" and again.with_prefix("thread", "f") == {"t3_x": "10:2"}


def test_impersonation_only_when_asked_and_installed(
    example_config: Config, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert impersonation_settings(example_config, "letterboxd") == {}
    raw = {
        "project": {"name": "t", "contact": "t@example.org"},
        "films": [{"slug": "a", "title": "A", "year": 2023}],
    }
    asking = parse_config(
        {**raw, "sources": {"letterboxd": {"impersonate": "chrome"}}}, example_config.path
    )
    monkeypatch.setattr("crawlers.impersonate.installed", lambda: False)
    with caplog.at_level(logging.WARNING):
        assert impersonation_settings(asking, "letterboxd") == {}
    assert "pip install 'filmbuzz[impersonate]'" in caplog.text
    monkeypatch.setattr("crawlers.impersonate.installed", lambda: True)
    assert impersonation_settings(asking, "letterboxd")["DOWNLOAD_HANDLERS"]["https"] == HANDLER


def test_backfill_since_is_days_before_now() -> None:
    from crawlers.bases.base import FilmbuzzSpider, SpiderArgs

    spider = FilmbuzzSpider.__new__(FilmbuzzSpider)
    spider.args = SpiderArgs(backfill_days=3)
    since = spider.backfill_since()
    assert since is not None and abs((datetime.now(UTC) - since) - timedelta(days=3)) < timedelta(
        seconds=5
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-14", "2026-03-14T12:00:00+00:00"),
        ("2026-07-22T07:42:36.842Z", "2026-07-22T07:42:36.842000+00:00"),
        ("not a date", None),
    ],
)
def test_letterboxd_card_time_keeps_the_diary_day(value: str, expected: str | None) -> None:
    from crawlers.parsers.letterboxd import card_time

    parsed = card_time(value)
    assert (parsed.isoformat() if parsed else None) == expected
