"""Writes items to the raw lake in batches, then saves the spider's cursors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipeline.lake import Lake
from pipeline.records import Post, Signal, posts_table, signals_table


class LakeWriterPipeline:
    """Priority 800: last. Flushes every `FILMBUZZ_FLUSH_ITEMS` items and when the spider closes.

    Cursors are committed only after the final flush succeeded, so an interrupted crawl
    fetches the same pages again and the lake's id dedupe keeps the result exact.
    """

    def __init__(
        self,
        data_dir: Path,
        flush_items: int,
        stats: StatsCollector,
        crawler: Crawler | None = None,
    ) -> None:
        self.crawler = crawler
        self.lake = Lake(data_dir / "lake")
        self.flush_items = flush_items
        self.stats = stats
        self.posts: list[Post] = []
        self.signals: list[Signal] = []
        self.known: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        assert crawler.stats is not None
        return cls(
            Path(settings.get("FILMBUZZ_DATA_DIR")),
            settings.getint("FILMBUZZ_FLUSH_ITEMS"),
            crawler.stats,
            crawler,
        )

    def _spider(self, spider: Spider | None) -> Spider:
        found = spider or (self.crawler.spider if self.crawler else None)
        assert found is not None
        return found

    def open_spider(self, spider: Spider | None = None) -> None:
        self.known = {"raw": self.lake.ids("raw"), "signals": self.lake.ids("signals")}

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, Post):
            self.posts.append(item)
        elif isinstance(item, Signal):
            self.signals.append(item)
        if len(self.posts) + len(self.signals) >= self.flush_items:
            self.flush(self._spider(spider))
        return item

    def flush(self, spider: Spider) -> None:
        if self.posts:
            written = self.lake.append("raw", posts_table(self.posts), self.known["raw"])
            self.stats.inc_value(f"filmbuzz/{spider.name}/posts_written", written)
            self.posts = []
        if self.signals:
            table = signals_table(self.signals)
            written = self.lake.append("signals", table, self.known["signals"])
            self.stats.inc_value(f"filmbuzz/{spider.name}/signals_written", written)
            self.signals = []

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = self._spider(spider)
        self.flush(spider)
        cursors = getattr(spider, "cursors", None)
        if cursors is not None:
            cursors.commit()
