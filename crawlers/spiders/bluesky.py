"""Bluesky `app.bsky.feed.searchPosts` with an app password: one session per crawl, refreshed
when it expires. (`filmbuzz listen bluesky` follows the Jetstream firehose instead.)"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.bases.json_api import API_SETTINGS
from crawlers.bases.session import SessionSpider
from crawlers.text import search_terms
from pipeline.records import Post

JSON = {"Content-Type": "application/json"}


def _error_name(response: Response) -> str:
    try:
        return str(json.loads(response.body).get("error", ""))
    except (ValueError, AttributeError):
        return ""


class BlueskySpider(SessionSpider):
    name = "bluesky"
    custom_settings = API_SETTINGS
    access: str | None = None
    refresh: str | None = None

    def xrpc(self, method: str) -> str:
        return self.url(f"https://{self.options.host}/xrpc/{method}")  # type: ignore[attr-defined]

    def login_request(self) -> scrapy.Request:
        if self.refresh and self.started:
            header = {"Authorization": f"Bearer {self.refresh}"}
            url = self.xrpc("com.atproto.server.refreshSession")
            return self.request(url, self.parse_session, method="POST", headers=header)
        login = {
            "identifier": self.secrets["FILMBUZZ_BLUESKY_HANDLE"],
            "password": self.secrets["FILMBUZZ_BLUESKY_APP_PASSWORD"],
        }
        url = self.xrpc("com.atproto.server.createSession")
        return self.request(
            url, self.parse_session, method="POST", body=json.dumps(login), headers=JSON
        )

    def parse_session(self, response: Response) -> Iterable[scrapy.Request]:
        data = self.json_of(response)
        if not isinstance(data, dict):
            return  # json_of said so
        self.access, self.refresh = data.get("accessJwt"), data.get("refreshJwt")
        if self.access:
            yield from self.logged_in()
            return
        state = f" (account status: {data['status']})" if data.get("status") else ""
        self.login_failed(
            response,
            f"{state} — check FILMBUZZ_BLUESKY_HANDLE and FILMBUZZ_BLUESKY_APP_PASSWORD "
            "(an app password) and that the account is active",
        )

    def authorization(self) -> tuple[str, str] | None:
        return ("Authorization", f"Bearer {self.access}") if self.access else None

    def is_expired(self, response: Response) -> bool:
        return response.status in (400, 401) and _error_name(response) in (
            "ExpiredToken",
            "InvalidToken",
        )

    def after_login(self) -> Iterable[scrapy.Request]:
        cutoff = self.backfill_since()
        for film in self.films:
            for term in search_terms(film):
                since = self.cursor(film.slug, term) or (cutoff.isoformat() if cutoff else None)
                sort = self.options.sort  # type: ignore[attr-defined]
                params = {"q": f'"{term}"', "sort": sort, "limit": str(self.options.page_size)}
                if since:
                    params["since"] = since
                url = self.xrpc("app.bsky.feed.searchPosts") + "?" + urlencode(params)
                yield self.request(url, film=film.slug, term=term, auth=True, base=url)

    def items_from(self, data: Any, response: Response) -> Iterable[Post]:
        meta = response.meta
        posts = data.get("posts", []) if isinstance(data, dict) else []
        if not posts and meta["page"] == 1:
            self.count("empty_results")
        for view in posts:
            post = self.post_from(view, meta)
            if post is None:
                self.count("invalid/record")
                continue
            stamp = post.published_at.isoformat()
            if stamp > (meta.get("newest") or ""):
                meta["newest"] = stamp
                self.remember_cursor(meta, stamp, meta["film"], meta["term"])
            yield post

    def post_from(self, view: dict[str, Any], meta: dict[str, Any]) -> Post | None:
        record, author = view.get("record") or {}, view.get("author") or {}
        uri, handle = str(view.get("uri", "")), author.get("handle") or author.get("did")
        try:
            created = datetime.fromisoformat(str(record["createdAt"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return None
        tags = [
            f.get("tag")
            for facet in record.get("facets") or []
            for f in facet.get("features") or []
            if f.get("tag")
        ]
        return Post(
            source="bluesky",
            source_id=uri,
            url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
            text=str(record.get("text") or ""),
            published_at=created,
            films=[meta["film"]],
            author=handle,
            lang=(record.get("langs") or [None])[0],
            query=f'"{meta["term"]}"',
            likes=view.get("likeCount"),
            reposts=view.get("repostCount"),
            replies=view.get("replyCount"),
            extras={"did": author.get("did"), "tags": tags},
        )

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        cursor = data.get("cursor") if isinstance(data, dict) else None
        if not cursor or not data.get("posts"):
            return None
        return self.request(f"{response.meta['base']}&{urlencode({'cursor': cursor})}", auth=True)

    def hint_for(self, response: Response) -> str:
        if response.status == 401 and b"createSession" in response.url.encode():
            return (
                " — Bluesky refused the login: check FILMBUZZ_BLUESKY_HANDLE and "
                "FILMBUZZ_BLUESKY_APP_PASSWORD (an app password, from Settings → App passwords)"
            )
        if response.status in (400, 401):
            return " — Bluesky wants a valid session (AuthMissing/ExpiredToken); check the app password"
        if response.status == 403:
            return (
                " — Bluesky refused the search: it needs a signed-in session; keep "
                "[sources.bluesky] host on your PDS (bsky.social), not the public AppView"
            )
        if response.status == 429:
            return " — rate limited; the crawl slows down and retries"
        return ""
