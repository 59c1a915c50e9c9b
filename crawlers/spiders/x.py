"""X API v2 recent search (bearer token, paid): one query per film, newer than the last id seen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.bases.json_api import API_SETTINGS, JsonApiSpider
from crawlers.text import or_query
from pipeline.records import Post

API = "https://api.x.com/2/tweets/search/recent"
FIELDS = {
    "tweet.fields": "created_at,lang,public_metrics,author_id,conversation_id",
    "expansions": "author_id",
    "user.fields": "username,name,public_metrics,location",
}
RECENT = timedelta(days=7) - timedelta(minutes=5)  # recent search reaches back 7 days only


class XSpider(JsonApiSpider):
    name = "x"
    custom_settings = API_SETTINGS

    def authorization(self) -> tuple[str, str] | None:
        return ("Authorization", f"Bearer {self.secrets.get('FILMBUZZ_X_BEARER_TOKEN', '')}")

    def first_requests(self) -> Iterable[scrapy.Request]:
        cutoff = self.backfill_since()
        for film in self.films:
            query = f"({or_query(film)}) {self.options.query_suffix}".strip()  # type: ignore[attr-defined]
            params = {"query": query, "max_results": str(max(10, self.options.page_size)), **FIELDS}
            since = self.cursor(film.slug)
            if since:
                params["since_id"] = since
            elif cutoff:
                start = max(cutoff, datetime.now(UTC) - RECENT)
                params["start_time"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
            yield self.request(
                self.url(f"{API}?{urlencode(params)}"),
                auth=True,
                film=film.slug,
                query_params=params,
            )

    def items_from(self, data: Any, response: Response) -> Iterable[Post]:
        meta = response.meta
        body = data if isinstance(data, dict) else {}
        if not body.get("data"):
            if meta["page"] == 1:
                self.count("empty_results")
            return
        if meta["page"] == 1 and body.get("meta", {}).get("newest_id"):
            self.remember_cursor(meta, str(body["meta"]["newest_id"]), meta["film"])
        users = {u.get("id"): u for u in (body.get("includes") or {}).get("users", [])}
        for tweet in body["data"]:
            yield self.post_from(tweet, users.get(tweet.get("author_id")) or {}, meta)

    def post_from(self, tweet: dict[str, Any], user: dict[str, Any], meta: dict[str, Any]) -> Post:
        metrics = tweet.get("public_metrics") or {}
        username = user.get("username") or "i"
        return Post(
            source="x",
            source_id=str(tweet.get("id")),
            url=f"https://x.com/{username}/status/{tweet.get('id')}",
            text=str(tweet.get("text") or ""),
            published_at=datetime.fromisoformat(
                str(tweet.get("created_at", "")).replace("Z", "+00:00")
            ),
            films=[meta["film"]],
            author=user.get("username"),
            lang=tweet.get("lang") if tweet.get("lang") not in ("und", "zxx", "qme") else None,
            query=meta["query_params"]["query"],
            likes=metrics.get("like_count"),
            reposts=metrics.get("retweet_count"),
            replies=metrics.get("reply_count"),
            views=metrics.get("impression_count"),
            extras={
                "conversation_id": tweet.get("conversation_id"),
                "quotes": metrics.get("quote_count"),
                "author_location": user.get("location"),
                "followers": (user.get("public_metrics") or {}).get("followers_count"),
            },
        )

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        token = (data.get("meta") or {}).get("next_token") if isinstance(data, dict) else None
        if not token:
            return None
        params = {**response.meta["query_params"], "next_token": token}
        return self.request(self.url(f"{API}?{urlencode(params)}"), auth=True)

    def on_error(self, failure: Failure) -> Any:
        super().on_error(failure)
        response = getattr(failure.value, "response", None)
        if response is not None and response.status in (401, 402, 403):
            raise CloseSpider(f"http_{response.status}")

    def hint_for(self, response: Response) -> str:
        hints = {
            401: " — X rejected FILMBUZZ_X_BEARER_TOKEN; check the app's bearer token",
            402: " — no credits left on the X developer account (pay-per-use); top it up or disable [sources.x]",
            403: " — this X app may not use recent search; check its access level",
            429: " — rate limited (x-rate-limit-*); the crawl slows down and retries",
        }
        return hints.get(response.status, "")
