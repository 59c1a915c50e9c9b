"""Checks and normalises every item; a bad one is dropped, counted and logged with its URL and field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from pipeline.records import Post, Signal


def post_problem(post: Post) -> str | None:
    """The first thing wrong with a post, as 'field: reason', or None."""
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


def normalise_post(post: Post) -> Post:
    if post.published_at.tzinfo is None:
        post.published_at = post.published_at.replace(tzinfo=UTC)
    post.published_at = post.published_at.astimezone(UTC)
    post.text = post.text.strip()
    if post.lang:
        post.lang = post.lang.split("-")[0].split("_")[0].lower() or None
    return post


class ValidatePipeline:
    """Priority 100: first, so later pipelines only see well-formed items."""

    def __init__(self, stats: StatsCollector, source: str) -> None:
        self.stats = stats
        self.source = source

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None and crawler.spidercls is not None
        return cls(crawler.stats, crawler.spidercls.name)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, Signal):
            return item
        if not isinstance(item, Post):
            raise DropItem(f"{self.source}: unexpected item type {type(item).__name__}")
        problem = post_problem(item)
        if problem:
            field = problem.split(":", 1)[0]
            self.stats.inc_value(f"filmbuzz/{self.source}/invalid/{field}")
            raise DropItem(f"{self.source}: {item.url or item.source_id}: {problem}")
        return normalise_post(item)
