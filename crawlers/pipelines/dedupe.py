"""Drops items already seen in this crawl (the same Mastodon status on two instances, say)."""

from __future__ import annotations

from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from pipeline.records import Post


class DedupePipeline:
    """Priority 200. The lake dedupes across crawls; this keeps one crawl's repeats out early,
    merging the films each copy was found for."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen: dict[str, Post] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Spider) -> Any:
        if not isinstance(item, Post):
            return item
        first = self.seen.get(item.id)
        if first is None:
            self.seen[item.id] = item
            return item
        first.films.extend(f for f in item.films if f not in first.films)
        self.stats.inc_value(f"filmbuzz/{spider.name}/duplicates")
        raise DropItem(f"{spider.name}: {item.url}: already collected in this crawl")
