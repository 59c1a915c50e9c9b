"""The base of every filmbuzz spider: config, films, host map, cursors and page budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Self

import scrapy
from pydantic import BaseModel, Field, ValidationError, field_validator
from scrapy.crawler import Crawler

from crawlers.cursors import CursorStore, cursor_key
from crawlers.errors import SpiderArgumentError
from crawlers.hosts import HostMap
from pipeline.config import Config, Film, SourceConfig, load_config


class SpiderArgs(BaseModel):
    """Arguments accepted by every spider (`-a films=red-rooms,monster -a backfill_days=30`)."""

    films: list[str] = []
    backfill_days: int | None = Field(default=None, ge=1)

    @field_validator("films", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return [v for v in value.split(",") if v] if isinstance(value, str) else value


class FilmbuzzSpider(scrapy.Spider):
    """Reads the films and this source's options from the config; never writes storage.

    Subclasses yield `pipeline.records.Post` / `Signal` items. They build every URL with
    `self.url(...)` so a replay site can stand in for the real host, and record how far they
    got with `self.remember_cursor(...)`; the lake writer saves cursors after the items are safe.
    """

    canonical: ClassVar[str] = ""
    config: Config
    options: SourceConfig
    hosts: HostMap
    cursors: CursorStore
    args: SpiderArgs

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        try:
            spider_args = SpiderArgs.model_validate(kwargs)
        except ValidationError as exc:
            raise SpiderArgumentError(f"spider {cls.name}: {exc.errors()[0]['msg']}") from None
        spider = super().from_crawler(crawler, *args)
        settings = crawler.settings
        spider.args = spider_args
        spider.config = load_config(settings.get("FILMBUZZ_CONFIG"))
        spider.options = getattr(spider.config.sources, spider.name)
        spider.hosts = HostMap(settings.getdict("FILMBUZZ_HOST_MAP"))
        state = Path(settings.get("FILMBUZZ_DATA_DIR")) / "state" / f"cursors-{spider.name}.json"
        spider.cursors = CursorStore(state)
        return spider

    @property
    def films(self) -> list[Film]:
        wanted = set(self.args.films)
        return [f for f in self.config.films if not wanted or f.slug in wanted]

    def url(self, real_url: str) -> str:
        return self.hosts.url(real_url)

    def cursor(self, *parts: str) -> str | None:
        if self.args.backfill_days:
            return None
        return self.cursors.get(cursor_key(*parts))

    def remember_cursor(self, meta: dict[str, Any], value: str, *parts: str) -> None:
        """Note the newest position of a query; it is saved only if the query's pages all succeed."""
        meta["cursor_update"] = (value, parts)

    def chain_done(self, meta: dict[str, Any]) -> None:
        """A query's last page was read without error: its remembered cursor may advance."""
        pending = meta.get("cursor_update")
        if pending:
            value, parts = pending
            self.cursors.propose(cursor_key(*parts), value)

    def within_budget(self, page: int) -> bool:
        return page <= self.options.max_pages

    def count(self, stat: str, by: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"filmbuzz/{self.name}/{stat}", by)
