"""Daily Wikipedia pageviews per language edition, as Signals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.bases.json_api import JsonApiSpider
from pipeline.records import Signal

API = "https://wikimedia.org/api/rest_v1/metrics/pageviews/per-article"


class WikipediaSpider(JsonApiSpider):
    name = "wikipedia"

    def first_requests(self) -> Iterable[scrapy.Request]:
        end = datetime.now(UTC).date()
        for film in self.films:
            for lang, article in film.ids.wikipedia.items():
                start = self.start_day(film.slug, lang, end)
                if start > end:
                    continue
                title = quote(article.replace(" ", "_"), safe="")
                url = f"{API}/{lang}.wikipedia/all-access/user/{title}/daily/{start:%Y%m%d}/{end:%Y%m%d}"
                incremental = self.cursor(film.slug, lang) is not None
                yield self.request(
                    self.url(url), film=film.slug, lang=lang, incremental=incremental
                )

    def start_day(self, film: str, lang: str, end: date) -> date:
        if self.args.backfill_days:
            return end - timedelta(days=self.args.backfill_days)
        cursor = self.cursor(film, lang)
        if cursor:
            return date.fromisoformat(cursor) + timedelta(days=1)
        configured = self.options.start  # type: ignore[attr-defined]
        return configured or end - timedelta(days=self.options.days)  # type: ignore[attr-defined]

    def items_from(self, data: Any, response: Response) -> Iterable[Signal]:
        meta = response.meta
        last: date | None = None
        for item in data.get("items", []) if isinstance(data, dict) else []:
            stamp = str(item.get("timestamp", ""))
            try:
                day = datetime.strptime(stamp[:8], "%Y%m%d").date()
            except ValueError:
                self.count("invalid/timestamp")
                continue
            last = max(last, day) if last else day
            yield Signal(
                meta["film"], "wikipedia", "pageviews", day, float(item["views"]), meta["lang"]
            )
        if last:
            self.remember_cursor(meta, last.isoformat(), meta["film"], meta["lang"])

    def on_error(self, failure: Failure) -> None:
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 404 and response.meta.get("incremental"):
            self.count("no_new_days")  # the API answers 404 until the next day's data is published
            return
        super().on_error(failure)

    def hint_for(self, response: Response) -> str:
        if response.status == 404:
            return " — no pageviews for this article (yet); check [films.ids.wikipedia]"
        return ""
