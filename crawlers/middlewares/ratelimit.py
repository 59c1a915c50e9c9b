"""Slows a host down when it asks: `Retry-After`, or rate-limit headers that say none are left."""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor, task

logger = logging.getLogger(__name__)

# (remaining, reset) header pairs: Mastodon (ISO reset), Reddit (seconds, float), X (epoch)
RATE_HEADERS = (
    (b"X-RateLimit-Remaining", b"X-RateLimit-Reset"),
    (b"X-Ratelimit-Remaining", b"X-Ratelimit-Reset"),
    (b"x-rate-limit-remaining", b"x-rate-limit-reset"),
)
EPOCH_THRESHOLD = 1_000_000_000  # a reset larger than this is a Unix time, not a duration


def _header(headers: Headers, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1").strip() if value else None


def seconds_until(value: str, now: float) -> float | None:
    """A delay in seconds, an HTTP date, an ISO instant or a Unix time -> seconds from `now`."""
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        return number - now if number > EPOCH_THRESHOLD else number
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now


def requested_wait(status: int, headers: Headers, now: float) -> float | None:
    """How long the answer asks us to wait before the next request to its host, if at all."""
    retry_after = _header(headers, b"Retry-After")
    if retry_after is not None and status in (429, 503):
        return max(0.0, seconds_until(retry_after, now) or 0.0)
    for remaining_name, reset_name in RATE_HEADERS:
        remaining, reset = _header(headers, remaining_name), _header(headers, reset_name)
        if remaining is None or reset is None:
            continue
        try:
            left = float(remaining)
        except ValueError:
            continue
        if left < 1:
            return max(0.0, seconds_until(reset, now) or 0.0)
    return None


class RateLimitMiddleware:
    """Priority 560, just outside RetryMiddleware: sees 429s before they are retried, and holds
    every request to a paused host until its pause ends (capped at `FILMBUZZ_MAX_WAIT`, with
    up to 10% jitter so parallel crawlers do not come back at the same instant). A 429 without
    any header doubles a back-off that starts at `FILMBUZZ_BACKOFF`."""

    def __init__(
        self, max_wait: float, backoff: float, stats: StatsCollector, source: str = "crawl"
    ) -> None:
        self.max_wait = max_wait
        self.prefix = f"filmbuzz/{source}/ratelimit"
        self.backoff = backoff
        self.stats = stats
        self.paused_until: dict[str, float] = {}
        self.strikes: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        settings = crawler.settings
        source = crawler.spidercls.name if crawler.spidercls else "crawl"
        return cls(
            settings.getfloat("FILMBUZZ_MAX_WAIT"),
            settings.getfloat("FILMBUZZ_BACKOFF"),
            crawler.stats,
            source,
        )

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).netloc
        wait = self.paused_until.get(host, 0.0) - time.monotonic()
        if wait > 0:
            self.stats.inc_value(f"{self.prefix}/held_requests")
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))  # type: ignore[arg-type]

    def process_response(self, request: Request, response: Response) -> Response:
        host = urlparse_cached(request).netloc
        wait = requested_wait(response.status, response.headers, time.time())
        if wait is None and response.status == 429:
            self.strikes[host] = self.strikes.get(host, 0) + 1
            wait = self.backoff * 2 ** (self.strikes[host] - 1)
        elif response.status < 400:
            self.strikes.pop(host, None)
        if wait:
            self.pause(host, wait)
        return response

    def pause(self, host: str, wait: float) -> float:
        wait = min(wait, self.max_wait) * (1 + random.uniform(0, 0.1))
        until = time.monotonic() + wait
        if until > self.paused_until.get(host, 0.0):
            self.paused_until[host] = until
            self.stats.inc_value(f"{self.prefix}/pauses")
            logger.info("%s asked us to wait: pausing it for %.1f s", host, wait)
        return wait
