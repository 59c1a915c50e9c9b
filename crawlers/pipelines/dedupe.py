"""Drops items already seen in this crawl (the same Mastodon status on two instances, say)."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from pipeline.records import Post

_KEPT_WHOLE = ("films", "collected_at")


def _rank(post: Post) -> tuple[int, str]:
    """Orders the copies of one post (the fullest first, then by content), so the copy kept
    does not depend on which answer came first."""
    row = {f.name: getattr(post, f.name) for f in fields(post) if f.name not in _KEPT_WHOLE}
    missing = sum(value is None for value in row.values())
    return missing, json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)


class DedupePipeline:
    """Priority 200. The lake dedupes across crawls; this keeps one crawl's repeats out early,
    merging the films each copy was found for and keeping the same copy whatever the order
    the answers arrived in (the lowest-ranked one), so re-runs and interrupted runs agree."""

    def __init__(self, stats: StatsCollector, source: str) -> None:
        self.stats = stats
        self.source = source
        self.seen: dict[str, Post] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None and crawler.spidercls is not None
        return cls(crawler.stats, crawler.spidercls.name)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, Post):
            return item
        first = self.seen.get(item.id)
        if first is None:
            self.seen[item.id] = item
            return item
        first.films.extend(f for f in item.films if f not in first.films)
        first.films.sort()
        if _rank(item) < _rank(first):  # `first` may still wait in the writer's batch: update it
            for field in fields(item):
                if field.name not in _KEPT_WHOLE:
                    setattr(first, field.name, getattr(item, field.name))
        self.stats.inc_value(f"filmbuzz/{self.source}/duplicates")
        # Expected (a status on two instances), and counted: not worth a warning per copy.
        raise DropItem(f"{self.source}: {item.url}: already collected in this crawl", "DEBUG")
