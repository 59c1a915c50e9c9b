"""Mastodon hashtag timelines, on several instances, deduplicated across them by status `uri`.

The first run pages back through `Link: rel="next"`; later runs poll forward from the newest
status seen with `min_id`, following `rel="prev"`. Each instance's `timelines_access` (4.5+)
is checked first, so an instance that switched hashtag feeds off is named once and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.bases.json_api import JsonApiSpider
from crawlers.text import html_to_text, link_header
from pipeline.records import Post


def _id_key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)  # snowflake ids: longer is newer, then lexical


def _created(status: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(status["created_at"]).replace("Z", "+00:00"))


class MastodonSpider(JsonApiSpider):
    name = "mastodon"

    def first_requests(self) -> Iterable[scrapy.Request]:
        for instance in self.options.instances:  # type: ignore[attr-defined]
            url = self.url(f"https://{instance}/api/v2/instance")
            request = self.request(url, self.parse_instance, instance=instance)
            request.errback = self.on_instance_error
            yield request

    def parse_instance(self, response: Response) -> Iterable[scrapy.Request]:
        instance = response.meta["instance"]
        data = self.json_of(response) or {}
        access = (data.get("configuration") or {}).get("timelines_access") or {}
        feeds = access.get("hashtag_feeds") or {}
        closed = {feeds.get("local"), feeds.get("remote")} - {None, "public"}
        if closed and "public" not in feeds.values():
            self.count("errors")
            self.count("errors/hashtag_feeds_closed")
            self.report(
                f"closed|{instance}",
                "mastodon: %s serves hashtag timelines to %s only (timelines_access.hashtag_feeds); "
                "remove it from [sources.mastodon] instances",
                instance,
                "nobody" if closed == {"disabled"} else "signed-in users",
            )
            return
        yield from self.tag_requests(instance)

    def on_instance_error(self, failure: Failure) -> Iterable[scrapy.Request]:
        # Instances before 4.0 have no /api/v2/instance: read their timelines anyway.
        self.count("instance_info_unavailable")
        yield from self.tag_requests(failure.request.meta["instance"])  # type: ignore[attr-defined]

    def tag_requests(self, instance: str) -> Iterable[scrapy.Request]:
        for film in self.films:
            for tag in film.hashtags:
                since = self.cursor(instance, film.slug, tag.lower())
                limit = min(self.options.page_size, 40)
                url = f"https://{instance}/api/v1/timelines/tag/{quote(tag)}?limit={limit}"
                if since:
                    url += f"&min_id={since}"
                meta: dict[str, Any] = {"film": film.slug, "tag": tag, "instance": instance}
                meta["since"] = since
                yield self.request(self.url(url), **meta)

    def items_from(self, data: Any, response: Response) -> Iterable[Post]:
        meta = response.meta
        if not isinstance(data, list):
            self.count("errors/unexpected_body")
            self.report(
                f"body|{meta['instance']}",
                "mastodon: %s did not answer a list of statuses",
                response.url,
            )
            return
        if not data and meta["page"] == 1 and not meta["since"]:
            self.count("empty_timelines")
            self.logger.info(
                "mastodon: #%s on %s is empty (no posts, or the instance disabled hashtag feeds)",
                meta["tag"],
                meta["instance"],
            )
        cutoff = self.backfill_since()
        if cutoff and data and any(_created(s) < cutoff for s in data):
            meta["reached_cursor"] = True
        if data:
            newest = max([str(s["id"]) for s in data] + [meta.get("newest") or "0"], key=_id_key)
            meta["newest"] = newest
            self.remember_cursor(meta, newest, meta["instance"], meta["film"], meta["tag"].lower())
        for status in data:
            if not cutoff or _created(status) >= cutoff:
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
            published_at=_created(status),
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
                "followers": account.get("followers_count"),
            },
        )

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        if not data or response.meta.get("reached_cursor"):
            return None
        header = response.headers.get(b"Link")
        links = link_header(header.decode("latin-1") if header else None)
        following = links.get("prev" if response.meta["since"] else "next")
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
