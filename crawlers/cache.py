"""HTTP cache policy: only what a spider marks as cacheable, and only successful answers."""

from __future__ import annotations

from scrapy import Request
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Response


class SuccessOnlyPolicy(DummyPolicy):
    """Caches a request only if it carries `meta["cache"]` and no credentials, and only a 200.

    Error answers (403 challenges, 429s, 5xx) are never stored, so a cache can never replay a
    failure; immutable pages (Letterboxd full review texts) are the ones worth caching.
    """

    def should_cache_request(self, request: Request) -> bool:
        return bool(request.meta.get("cache")) and b"Authorization" not in request.headers

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return response.status == 200
