"""Adds the spider's current `Authorization` header at download time.

A token refreshed mid-crawl then reaches every queued request, and retries of an old
request carry the new token too. Only requests with `meta["auth"]` get one.
"""

from __future__ import annotations

from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler


class AuthMiddleware:
    """Priority 545, just before RetryMiddleware: asks the spider's `authorization()`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("auth"):
            return
        authorization = getattr(self.crawler.spider, "authorization", None)
        header = authorization() if callable(authorization) else None
        if header:
            name, value = header
            request.headers[name] = value
