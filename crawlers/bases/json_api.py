"""Base for JSON APIs: ask, read a page, follow the next page within the budget."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.bases.base import FilmbuzzSpider


class JsonApiSpider(FilmbuzzSpider):
    """Subclasses implement `first_requests`, `items_from` and optionally `next_request`.

    Every request carries `meta["page"]`; the base stops following pages past the
    source's `max_pages`. Failures are logged once per URL with what went wrong.
    """

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.first_requests():
            yield request

    def first_requests(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse, errback=self.on_error, meta={"page": 1, **meta}
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        try:
            assert isinstance(response, TextResponse)
            data = response.json()
        except (ValueError, AssertionError):
            self.count("errors/bad_json")
            self.logger.error("%s: %s did not answer JSON; skipped", self.name, response.url)
            return
        yield from self.items_from(data, response)
        following = self.next_request(data, response)
        page = response.meta["page"] + 1
        if following is not None and self.within_budget(page):
            following.meta.update({**response.meta, "page": page})
            yield following
        else:
            self.chain_done(response.meta)

    def items_from(self, data: Any, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        return None

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        self.count("errors")
        if response is not None:
            self.count(f"errors/http_{response.status}")
            hint = self.hint_for(response)
            self.logger.error(
                "%s: %s answered HTTP %s%s", self.name, request.url, response.status, hint
            )
        else:
            self.logger.error(
                "%s: %s failed: %s", self.name, request.url, failure.getErrorMessage()
            )

    def hint_for(self, response: Response) -> str:
        """A short 'what to do' for an error answer, appended to the log line."""
        return ""
