"""Writes items to the raw lake in batches, then saves the spider's cursors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Self, TypeVar

import pyarrow as pa
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawlers.signals import record_quarantined
from pipeline import quarantine
from pipeline.lake import Lake
from pipeline.quarantine import Quarantined
from pipeline.records import Post, Signal, posts_table, signals_table

Item = TypeVar("Item", Post, Signal)
# What building a table raises on a value Arrow cannot hold (an int past 64 bits, a wrong type,
# text no UTF-8 can encode): that row is quarantined, the rest of the batch is written.
ROW_ERRORS = (pa.ArrowException, TypeError, ValueError, OverflowError, UnicodeError)


class LakeWriterPipeline:
    """Priority 800: last. Flushes every `FILMBUZZ_FLUSH_ITEMS` items and when the spider closes.

    Cursors are committed only after the final flush succeeded, so an interrupted crawl
    fetches the same pages again and the lake's id dedupe keeps the result exact. A row Arrow
    cannot store never costs its batch: it goes to lake/quarantine and the others are written.
    Records the ValidatePipeline quarantined (signal `record_quarantined`) are written too.
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
        self.quarantined: list[Quarantined] = []
        self.known: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        assert crawler.stats is not None
        pipeline = cls(
            Path(settings.get("FILMBUZZ_DATA_DIR")),
            settings.getint("FILMBUZZ_FLUSH_ITEMS"),
            crawler.stats,
            crawler,
        )
        crawler.signals.connect(pipeline.on_quarantined, signal=record_quarantined)
        return pipeline

    def _spider(self, spider: Spider | None) -> Spider:
        found = spider or (self.crawler.spider if self.crawler else None)
        assert found is not None
        return found

    def open_spider(self, spider: Spider | None = None) -> None:
        self.known = {"raw": self.lake.ids("raw"), "signals": self.lake.ids("signals")}

    def on_quarantined(self, item: Quarantined) -> None:
        self.quarantined.append(item)

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
            table = self._table(self.posts, posts_table, _post_record)
            written = self.lake.append("raw", table, self.known["raw"])
            self.stats.inc_value(f"filmbuzz/{spider.name}/posts_written", written)
            self.posts = []
        if self.signals:
            table = self._table(self.signals, signals_table, asdict)
            written = self.lake.append("signals", table, self.known["signals"])
            self.stats.inc_value(f"filmbuzz/{spider.name}/signals_written", written)
            self.signals = []
        if self.quarantined:
            written = quarantine.write(self.lake, self.quarantined)
            self.stats.inc_value(f"filmbuzz/{spider.name}/quarantined", written)
            self.quarantined = []

    def _table(
        self,
        items: Sequence[Item],
        build: Callable[[list[Item]], pa.Table],
        record: Callable[[Item], dict[str, Any]],
    ) -> pa.Table:
        """The batch as a table; if a row breaks it, the batch without the rows that do."""
        try:
            return build(list(items))
        except ROW_ERRORS:
            pass
        kept = []
        for item in items:
            try:
                build([item])
            except ROW_ERRORS as exc:
                reason = f"lake: the row cannot be stored ({type(exc).__name__}: {exc})"
                self.quarantined.append(Quarantined.of_row(record(item), "crawl", reason))
            else:
                kept.append(item)
        return build(kept)

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = self._spider(spider)
        self.flush(spider)
        cursors = getattr(spider, "cursors", None)
        if cursors is not None:
            cursors.commit()


def _post_record(post: Post) -> dict[str, Any]:
    record = {f.name: getattr(post, f.name) for f in fields(post)}
    with suppress(TypeError, UnicodeError):  # a source id that is not text: the record says it
        record["id"] = post.id
    return record
