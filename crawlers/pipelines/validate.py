"""Checks, makes safe and normalises every item; a bad one is dropped, counted and logged with
its URL and field."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import StatsCollector

from crawlers.signals import record_quarantined
from pipeline.quarantine import REPAIRED, SET_ASIDE, Quarantined
from pipeline.records import ENGAGEMENT, Post, Signal
from pipeline.safetext import describe_unsafe, safe_text, safe_value

# No source we crawl lets a post be this long (Reddit's 40,000 characters is the most): a
# longer one is a broken or hostile answer, set aside whole in lake/quarantine.
MAX_POST_CHARS = 40_000
_TEXT_FIELDS = ("source_id", "url", "text", "author", "title", "lang", "query", "parent_id")


def post_problem(post: Post) -> str | None:
    """The first thing wrong with a post, as 'field: reason', or None."""
    wrong_type = _type_problem(post)
    if wrong_type:
        return wrong_type
    if not post.source_id:
        return "source_id: missing"
    if not post.url.startswith(("http://", "https://")):
        return f"url: not an http(s) URL ({post.url!r})"
    parts = urlsplit(post.url)
    if parts.path in ("", "/") and not parts.query:
        return f"url: a site's root, not the post's page ({post.url!r})"
    if not post.text.strip() and not (post.title or "").strip():
        return "text: empty"
    if not isinstance(post.published_at, datetime):
        return "published_at: missing or unreadable date"
    if post.rating is not None and not 0 <= post.rating <= 5:
        return f"rating: {post.rating} is outside 0-5"
    if not post.films:
        return "films: no tracked film"
    return None


def _type_problem(post: Post) -> str | None:
    for name in ("source", "source_id", "url", "text"):
        if not isinstance(getattr(post, name), str):
            return f"{name}: not text ({type(getattr(post, name)).__name__})"
    for name in ("author", "title", "lang", "query", "parent_id"):
        if not isinstance(getattr(post, name), str | None):
            return f"{name}: not text ({type(getattr(post, name)).__name__})"
    for name in ENGAGEMENT:
        value = getattr(post, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return f"{name}: not a whole number ({value!r})"
    if post.rating is not None and (
        isinstance(post.rating, bool) or not isinstance(post.rating, int | float)
    ):
        return f"rating: not a number ({post.rating!r})"
    if not isinstance(post.films, list) or not all(isinstance(f, str) for f in post.films):
        return "films: not a list of film slugs"
    if not isinstance(post.extras, dict):
        return "extras: not a mapping"
    return None


def make_safe(post: Post) -> str | None:
    """Replace the code points no file can hold (pipeline.safetext) in every text field of
    `post`, in place; returns what was repaired, or None."""
    repaired = None
    for name in _TEXT_FIELDS:
        value = getattr(post, name)
        if isinstance(value, str) and (found := describe_unsafe(name, value)):
            repaired = repaired or found
            setattr(post, name, safe_text(value))
    films, extras = safe_value(post.films), safe_value(post.extras)
    if films != post.films or extras != post.extras:
        repaired = repaired or "films or extras: invalid code points replaced with U+FFFD"
        post.films, post.extras = films, extras
    return repaired


def normalise_post(post: Post) -> Post:
    make_safe(post)
    if post.published_at.tzinfo is None:
        post.published_at = post.published_at.replace(tzinfo=UTC)
    post.published_at = post.published_at.astimezone(UTC)
    post.text = post.text.strip()
    if post.lang:
        post.lang = post.lang.split("-")[0].split("_")[0].lower() or None
    return post


class ValidatePipeline:
    """Priority 100: first, so later pipelines only see well-formed items whose text every
    writer can store. A post over MAX_POST_CHARS is set aside in lake/quarantine; a post with
    invalid code points goes on repaired, and lake/quarantine keeps it as it came."""

    def __init__(self, stats: StatsCollector, source: str, signals: SignalManager) -> None:
        self.stats = stats
        self.source = source
        self.signals = signals

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None and crawler.spidercls is not None
        return cls(crawler.stats, crawler.spidercls.name, crawler.signals)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, Signal):
            return item
        if not isinstance(item, Post):
            raise DropItem(f"{self.source}: unexpected item type {type(item).__name__}")
        original = {f.name: getattr(item, f.name) for f in fields(item)}
        repaired = make_safe(item)
        problem = post_problem(item)
        if problem:
            field = problem.split(":", 1)[0]
            self.stats.inc_value(f"filmbuzz/{self.source}/invalid/{field}")
            raise DropItem(f"{self.source}: {item.url or item.source_id}: {problem}")
        if len(item.text) > MAX_POST_CHARS:
            reason = (
                f"text: {len(item.text):,} characters, over the {MAX_POST_CHARS:,} a post may have"
            )
            self._quarantine({"id": item.id, **original}, reason, SET_ASIDE)
            raise DropItem(f"{self.source}: {item.url}: {reason}; set aside in lake/quarantine")
        if repaired:
            self._quarantine({"id": item.id, **original}, repaired, REPAIRED)
        return normalise_post(item)

    def _quarantine(self, record: dict[str, Any], reason: str, action: str) -> None:
        entry = Quarantined.of_row(record, "crawl", reason, action)
        self.signals.send_catch_log(record_quarantined, item=entry)
