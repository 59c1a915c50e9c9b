"""Daily Wikipedia pageviews per language edition, as Signals.

Pageviews count redirects separately, so each configured title is first resolved to its
canonical article with the edition's action API (`redirects=1`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.bases.json_api import API_SETTINGS, JsonApiSpider
from pipeline.records import Signal

API = "https://wikimedia.org/api/rest_v1/metrics/pageviews/per-article"


def canonical_title(data: Any, asked: str) -> str | None:
    """The article a title leads to after normalisation and redirects; None if it is missing."""
    query = data.get("query", {}) if isinstance(data, dict) else {}
    title = asked
    for step in ("normalized", "redirects"):
        for hop in query.get(step, []):
            if hop.get("from") == title:
                title = hop.get("to", title)
    pages = query.get("pages", [])
    page = next((p for p in pages if p.get("title") == title), pages[0] if pages else {})
    return None if not page or page.get("missing") or page.get("invalid") else page.get("title")


class WikipediaSpider(JsonApiSpider):
    name = "wikipedia"
    custom_settings = API_SETTINGS

    def first_requests(self) -> Iterable[scrapy.Request]:
        for film in self.films:
            for lang, article in film.ids.wikipedia.items():
                params = {"action": "query", "format": "json", "formatversion": "2"}
                params |= {"redirects": "1", "titles": article}
                url = f"https://{lang}.wikipedia.org/w/api.php?{urlencode(params)}"
                meta: dict[str, Any] = {"film": film.slug, "lang": lang, "article": article}
                yield self.request(self.url(url), self.parse_title, **meta)

    def parse_title(self, response: Response) -> Iterable[scrapy.Request]:
        meta = response.meta
        title = canonical_title(self.json_of(response), meta["article"])
        if title is None:
            self.count("errors")
            self.count("errors/missing_article")
            self.report(
                f"missing|{meta['lang']}|{meta['article']}",
                "wikipedia: no article %r on %s.wikipedia.org; check [films.ids.wikipedia]",
                meta["article"],
                meta["lang"],
            )
            return
        if title != meta["article"].replace("_", " "):
            self.count("redirects_resolved")
        yield from self.pageviews_request(meta["film"], meta["lang"], title)

    def pageviews_request(self, film: str, lang: str, title: str) -> Iterable[scrapy.Request]:
        end = datetime.now(UTC).date()
        start = self.start_day(film, lang, end)
        if start > end:
            return
        article = quote(title.replace(" ", "_"), safe="")
        url = f"{API}/{lang}.wikipedia/all-access/user/{article}/daily/{start:%Y%m%d}/{end:%Y%m%d}"
        incremental = self.cursor(film, lang) is not None
        yield self.request(self.url(url), film=film, lang=lang, incremental=incremental)

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

    def on_error(self, failure: Failure) -> Any:
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 404 and response.meta.get("incremental"):
            self.count("no_new_days")  # the API answers 404 until the next day's data is published
            return None
        return super().on_error(failure)

    def hint_for(self, response: Response) -> str:
        if response.status == 404:
            return " — no pageviews for this article (yet); check [films.ids.wikipedia]"
        return ""
