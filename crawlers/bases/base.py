"""The base of every filmbuzz spider: config, films, host map, cursors and page budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Self

import scrapy
from pydantic import BaseModel, Field, ValidationError, field_validator
from scrapy.crawler import Crawler

from crawlers import credentials
from crawlers.cursors import CursorStore, cursor_key
from crawlers.errors import SpiderArgumentError
from crawlers.hosts import HostMap
from pipeline.config import Config, Film, SourceConfig, load_config

SCRAPY_META = frozenset(
    {"download_latency", "download_slot", "download_timeout", "depth", "retry_times",
     "redirect_times", "redirect_urls", "redirect_ttl", "_dont_cache", "cached", "dont_filter"}
)  # fmt: skip


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
    secrets: dict[str, str]
    reported: set[str]

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
        spider.secrets = credentials.read(spider.name)
        spider.reported = set()
        return spider

    def __repr__(self) -> str:  # never show attributes (credentials) in logs
        return f"<{type(self).__name__} {self.name!r}>"

    def has_credentials(self) -> bool:
        """False (after one clear line) if this source needs credentials the environment lacks."""
        absent = credentials.missing(self.name)
        if absent:
            self.report("credentials", credentials.skip_message(self.name, absent), error=False)
        return not absent

    def authorization(self) -> tuple[str, str] | None:
        """The `Authorization` header for requests with `meta["auth"]` (see AuthMiddleware)."""
        return None

    def report(self, key: str, message: str, *args: Any, error: bool = True) -> None:
        """Log a problem once per key (a blocked host answers every request the same way)."""
        if key in self.reported:
            self.count("errors/repeated" if error else "notices/repeated")
            return
        self.reported.add(key)
        (self.logger.error if error else self.logger.warning)(message, *args)

    def backfill_since(self) -> datetime | None:
        """With `--backfill DAYS`, the earliest time to go back to (cursors are then ignored)."""
        days = self.args.backfill_days
        return datetime.now(UTC) - timedelta(days=days) if days else None

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

    def hold_cursor(self, *parts: str) -> None:
        """Something a query found could not be fetched: keep its cursor where it was."""
        self.cursors.hold(cursor_key(*parts))

    def chain_done(self, meta: dict[str, Any]) -> None:
        """A query's last page was read without error: its remembered cursor may advance."""
        pending = meta.get("cursor_update")
        if pending:
            value, parts = pending
            self.cursors.propose(cursor_key(*parts), value)

    @staticmethod
    def carry(meta: dict[str, Any]) -> dict[str, Any]:
        """A response's meta without Scrapy's own keys, to pass on to the next page's request."""
        return {k: v for k, v in meta.items() if k not in SCRAPY_META}

    def within_budget(self, page: int) -> bool:
        return page <= self.options.max_pages

    def count(self, stat: str, by: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"filmbuzz/{self.name}/{stat}", by)
