"""Base for JSON APIs: ask, read a page, follow the next page within the budget."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.bases.base import FilmbuzzSpider

# For spiders of APIs (not web pages), which have their own terms and rate limits: robots.txt
# governs web crawlers, and on Reddit or Wikipedia it disallows the API paths to every agent.
API_SETTINGS: dict[str, Any] = {"ROBOTSTXT_OBEY": False}


def short(url: str, limit: int = 120) -> str:
    """A URL cut to `limit` characters, so the advice after it stays on the line."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


class JsonApiSpider(FilmbuzzSpider):
    """Subclasses implement `first_requests`, `items_from` and optionally `next_request`.

    Every request carries `meta["page"]`; the base stops following pages past the
    source's `max_pages`. A failure is logged once per host and status, with `hint_for`'s
    advice; later ones are only counted. A source that needs credentials it lacks starts no
    request at all (the crawl stage normally skips it before that).
    """

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.has_credentials():
            return
        for request in self.first_requests():
            yield request

    def first_requests(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def request(
        self,
        url: str,
        callback: Callable[..., Any] | None = None,
        *,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        **meta: Any,
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback or self.parse,
            errback=self.on_error,
            method=method,
            body=body,
            headers=headers,
            meta={"page": 1, **meta},
            dont_filter=method != "GET",
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        data = self.json_of(response)
        if data is None:
            return
        yield from self.items_from(data, response)
        following = self.next_request(data, response)
        page = response.meta["page"] + 1
        if following is not None and self.within_budget(page):
            following.meta.update({**self.carry(response.meta), "page": page})
            yield following
        else:
            if following is not None:
                self.count("page_budget_reached")
            self.chain_done(response.meta)

    def json_of(self, response: Response) -> Any:
        """The decoded body, or None (logged once per host) if it is not JSON."""
        try:
            assert isinstance(response, TextResponse)
            return response.json()
        except (ValueError, AssertionError):
            self.count("errors/bad_json")
            self.report(
                f"{urlsplit(response.url).netloc}|json",
                "%s: %s did not answer JSON (a block page or a truncated answer?); skipped",
                self.name,
                response.url,
            )
            return None

    def items_from(self, data: Any, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        return None

    def on_error(self, failure: Failure) -> Any:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        self.count("errors")
        host = urlsplit(request.url).netloc
        if response is not None:
            self.count(f"errors/http_{response.status}")
            hint = self.hint_for(response)
            self.report(
                f"{host}|{response.status}|{hint}",
                "%s: %s answered HTTP %s%s",
                self.name,
                short(request.url),
                response.status,
                hint,
            )
        else:
            self.report(
                f"{host}|{failure.type.__name__}",
                "%s: %s failed: %s",
                self.name,
                short(request.url),
                failure.getErrorMessage(),
            )
        return None

    def hint_for(self, response: Response) -> str:
        """A short 'what to do' for an error answer, appended to the log line."""
        return ""
