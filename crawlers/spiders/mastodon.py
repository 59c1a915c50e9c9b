"""Mastodon hashtag timelines, on several instances, deduplicated across them by status `uri`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from crawlers.bases.json_api import JsonApiSpider
from crawlers.text import html_to_text, link_header
from pipeline.records import Post


def _newer(status_id: str, cursor: str | None) -> bool:
    if cursor is None:
        return True
    if status_id.isdigit() and cursor.isdigit():
        return int(status_id) > int(cursor)
    return status_id > cursor


class MastodonSpider(JsonApiSpider):
    name = "mastodon"

    def first_requests(self) -> Iterable[scrapy.Request]:
        for film in self.films:
            for tag in film.hashtags:
                for instance in self.options.instances:  # type: ignore[attr-defined]
                    url = f"https://{instance}/api/v1/timelines/tag/{quote(tag)}?limit=40"
                    since = self.cursor(instance, film.slug, tag.lower())
                    yield self.request(
                        self.url(url), film=film.slug, tag=tag, instance=instance, since=since
                    )

    def items_from(self, data: Any, response: Response) -> Iterable[Post]:
        meta = response.meta
        if not isinstance(data, list):
            self.count("errors/unexpected_body")
            self.logger.error("mastodon: %s did not answer a list of statuses", response.url)
            return
        if not data and meta["page"] == 1:
            self.count("empty_timelines")
            self.logger.info(
                "mastodon: #%s on %s is empty (no posts, or the instance disabled hashtag feeds)",
                meta["tag"],
                meta["instance"],
            )
        fresh = [s for s in data if _newer(str(s.get("id", "")), meta["since"])]
        meta["reached_cursor"] = len(fresh) < len(data)
        if data and meta["page"] == 1:
            newest = max((str(s["id"]) for s in data), key=lambda i: (len(i), i))
            self.remember_cursor(meta, newest, meta["instance"], meta["film"], meta["tag"].lower())
        for status in fresh:
            yield self.post_from(status, meta)

    def post_from(self, status: dict[str, Any], meta: dict[str, Any]) -> Post:
        account = status.get("account") or {}
        acct = account.get("acct") or ""
        if acct and "@" not in acct:
            acct = f"{acct}@{meta['instance']}"
        return Post(
            source="mastodon",
            source_id=status.get("uri") or status.get("url") or "",
            url=status.get("url") or status.get("uri") or "",
            text=html_to_text(status.get("content") or ""),
            published_at=datetime.fromisoformat(status["created_at"].replace("Z", "+00:00")),
            films=[meta["film"]],
            author=acct or None,
            title=status.get("spoiler_text") or None,
            lang=status.get("language"),
            query=f"#{meta['tag']}",
            likes=status.get("favourites_count"),
            reposts=status.get("reblogs_count"),
            replies=status.get("replies_count"),
            extras={
                "instance": meta["instance"],
                "sensitive": bool(status.get("sensitive")),
                "tags": [t.get("name") for t in status.get("tags") or []],
            },
        )

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        if not data or response.meta.get("reached_cursor"):
            return None
        header = response.headers.get(b"Link")
        following = link_header(header.decode("latin-1") if header else None).get("next")
        return self.request(following) if following else None

    def hint_for(self, response: Response) -> str:
        if response.status == 401:
            return (
                " — this instance serves hashtag timelines to signed-in users only; "
                "remove it from [sources.mastodon] instances"
            )
        if response.status == 404:
            return " — unknown hashtag on this instance"
        if response.status == 429:
            return " — rate limited; the crawl slows down and retries"
        return ""
