"""Reddit with OAuth client credentials: search per film (configured subreddits and site-wide),
then the comments of matching threads, expanding `more` within a budget: listed ids through
`/api/morechildren`, and "continue this thread" stubs (`more` with `count` 0 and no ids) by
reading the thread again from their parent comment (`/comments/{link}?comment={parent}`).

Recent threads stay watched: each run asks `/api/info` for their comment counts and re-reads
the comments of those that grew, so late replies to older threads are not missed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Response

from crawlers.bases.json_api import API_SETTINGS
from crawlers.bases.session import SessionSpider
from crawlers.text import or_query
from pipeline.records import Post, stable_id

TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
API = "https://oauth.reddit.com"
MORE_BATCH = 100


def _thread_post(data: dict[str, Any], film: str, query: str) -> Post:
    return Post(
        source="reddit",
        source_id=str(data.get("name")),
        url=f"https://www.reddit.com{data.get('permalink', '')}",
        title=data.get("title"),
        text=str(data.get("selftext") or ""),
        published_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
        films=[film],
        author=data.get("author"),
        query=query,
        score=data.get("score"),
        replies=data.get("num_comments"),
        extras={"subreddit": data.get("subreddit"), "spoiler": bool(data.get("spoiler"))},
    )


def comment_url(data: dict[str, Any]) -> str:
    """The comment's page: its `permalink`, or (old comments have none) one built from the
    thread and comment ids, which Reddit redirects to the full address."""
    if data.get("permalink"):
        return f"https://www.reddit.com{data['permalink']}"
    thread = str(data.get("link_id") or "").removeprefix("t3_")
    return f"https://www.reddit.com/comments/{thread}/_/{data.get('id')}/"


def is_continuation(stub: dict[str, Any]) -> bool:
    """A "continue this thread" stub: `more` with count 0, no ids, and the comment to read from."""
    data = stub.get("data") or {}
    return not data.get("count") and not data.get("children") and bool(data.get("parent_id"))


def _comment_post(data: dict[str, Any], film: str) -> Post:
    return Post(
        source="reddit",
        source_id=str(data.get("name")),
        url=comment_url(data),
        text=str(data.get("body") or ""),
        published_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
        films=[film],
        author=data.get("author"),
        query="comments",
        score=data.get("score"),
        parent_id=stable_id("reddit", str(data.get("parent_id"))),
        extras={"thread": data.get("link_id"), "depth": data.get("depth")},
    )


@dataclass
class Expansions:
    """What a comment tree held back: comments to continue from, and ids for morechildren."""

    continued: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def add(self, stub: dict[str, Any]) -> None:
        data = stub.get("data") or {}
        if is_continuation(stub):
            self.continued.append(str(data["parent_id"]).removeprefix("t1_"))
        else:
            self.ids += [c for c in data.get("children", []) if c]

    def __bool__(self) -> bool:
        return bool(self.continued or self.ids)


def walk(children: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Every comment (`t1`) and `more` stub of a comment tree, depth first."""
    for child in children:
        yield child
        replies = (child.get("data") or {}).get("replies")
        if child.get("kind") == "t1" and isinstance(replies, dict):
            yield from walk(replies.get("data", {}).get("children", []))


class RedditSpider(SessionSpider):
    name = "reddit"
    custom_settings = API_SETTINGS
    token: str | None = None

    def login_request(self) -> scrapy.Request:
        pair = f"{self.secrets['FILMBUZZ_REDDIT_CLIENT_ID']}:{self.secrets['FILMBUZZ_REDDIT_CLIENT_SECRET']}"
        headers = {
            "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        body = "grant_type=client_credentials"
        return self.request(
            self.url(TOKEN_URL), self.parse_token, method="POST", body=body, headers=headers
        )

    def parse_token(self, response: Response) -> Iterable[scrapy.Request]:
        data = self.json_of(response)
        if not isinstance(data, dict):
            return  # json_of said so
        self.token = data.get("access_token")
        if self.token:
            yield from self.logged_in()
            return
        self.login_failed(
            response,
            " — check FILMBUZZ_REDDIT_CLIENT_ID and FILMBUZZ_REDDIT_CLIENT_SECRET "
            "(an app approved for API access)",
        )

    def authorization(self) -> tuple[str, str] | None:
        return ("Authorization", f"bearer {self.token}") if self.token else None

    def api(
        self, path: str, params: dict[str, str], callback: Any = None, **meta: Any
    ) -> scrapy.Request:
        url = self.url(f"{API}{path}?{urlencode({**params, 'raw_json': '1'})}")
        return self.request(url, callback, auth=True, **meta)

    def after_login(self) -> Iterable[scrapy.Request]:
        scopes = [(f"/r/{quote(s)}/search", s) for s in self.options.subreddits]  # type: ignore[attr-defined]
        if self.options.sitewide:  # type: ignore[attr-defined]
            scopes.append(("/search", "all"))
        for film in self.films:
            params = {"q": or_query(film, hashtags=False), "sort": "new", "t": "all"}
            params |= {"limit": str(self.options.page_size), "type": "link"}
            for path, scope in scopes:
                extra = {"restrict_sr": "1"} if scope != "all" else {}
                since = self.cursor(film.slug, scope)
                meta = {"film": film.slug, "scope": scope, "since": since, "endpoint": path}
                yield self.api(path, params | extra, query_params=params | extra, **meta)
            yield from self.watch_requests(film.slug)

    def watch_requests(self, film: str) -> Iterable[scrapy.Request]:
        limit = self.options.watch_threads  # type: ignore[attr-defined]
        if not self.options.comments or not limit or self.args.backfill_days:  # type: ignore[attr-defined]
            return
        watched = self.cursors.with_prefix("thread", film)
        newest = sorted(watched, key=lambda n: float(watched[n].split(":")[0]), reverse=True)
        if newest[:limit]:
            ids = ",".join(newest[:limit])
            yield self.api("/api/info", {"id": ids}, self.parse_watched, film=film)

    def parse_watched(self, response: Response) -> Iterable[scrapy.Request]:
        watched = self.cursors.with_prefix("thread", response.meta["film"])
        for child in ((self.json_of(response) or {}).get("data") or {}).get("children", []):
            data = child.get("data") or {}
            seen = int(watched.get(str(data.get("name")), "0:0").split(":")[1])
            if int(data.get("num_comments") or 0) > seen:
                self.count("threads_with_new_comments")
                yield self.comments_request(data, response.meta["film"])

    def items_from(self, data: Any, response: Response) -> Iterable[Any]:
        meta = response.meta
        children = (data.get("data") or {}).get("children", []) if isinstance(data, dict) else []
        if not children and meta["page"] == 1:
            self.count("empty_results")
        for child in children:
            thread = child.get("data") or {}
            created = str(thread.get("created_utc"))
            if meta["page"] == 1 and float(created) > float(meta.get("newest") or 0):
                meta["newest"] = created
                self.remember_cursor(meta, created, meta["film"], meta["scope"])
            if meta["since"] and float(created) <= float(meta["since"]):
                meta["reached_cursor"] = True
                continue
            yield _thread_post(thread, meta["film"], f"{meta['scope']}:{meta['query_params']['q']}")
            if self.options.comments:  # type: ignore[attr-defined]
                self.watch(meta["film"], thread, 0, first=True)
                yield self.comments_request(thread, meta["film"])

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        after = (data.get("data") or {}).get("after") if isinstance(data, dict) else None
        if not after or response.meta.get("reached_cursor"):
            return None
        meta = response.meta
        return self.api(meta["endpoint"], {**meta["query_params"], "after": after})

    def watch(self, film: str, thread: dict[str, Any], comments: int, first: bool = False) -> None:
        """Remember a thread and how many comments were read; `first` only marks it as new
        (a failed comments fetch then leaves it at 0, so the next run reads them)."""
        key = f"thread|{film}|{thread.get('name')}"
        if first and (key in self.cursors.pending or self.cursors.get(key)):
            return
        self.cursors.propose(key, f"{float(thread.get('created_utc') or 0):.0f}:{comments}")

    def comments_request(self, thread: dict[str, Any], film: str) -> scrapy.Request:
        path = f"/comments/{thread.get('id')}"
        params = {"sort": "new", "limit": "500", "depth": "10"}
        return self.api(path, params, self.parse_comments, film=film, thread=thread)

    def parse_comments(self, response: Response) -> Iterable[Any]:
        data = self.json_of(response)
        if not isinstance(data, list) or len(data) != 2:
            return
        meta = response.meta
        link = ((data[0].get("data") or {}).get("children") or [{}])[0].get("data") or meta[
            "thread"
        ]
        # what earlier answers held back and is still to read, when this is a continued thread
        found = Expansions(list(meta.get("continued", [])), list(meta.get("pending_ids", [])))
        children = (data[1].get("data") or {}).get("children", [])
        focus = meta.get("focus")  # a continued thread starts at a comment already kept
        for child in walk(children):
            if child.get("kind") == "t1" and (child.get("data") or {}).get("id") != focus:
                yield _comment_post(child["data"], meta["film"])
            elif child.get("kind") == "more":
                found.add(child)
        yield from self.more_or_done(link, found, meta["film"], meta.get("calls", 0))

    def more_or_done(
        self, link: dict[str, Any], found: Expansions, film: str, calls: int
    ) -> Iterable[Any]:
        if found and calls >= self.options.max_more:  # type: ignore[attr-defined]
            self.count("more_skipped", len(found.ids) + len(found.continued))
            found = Expansions()
        if found.continued:
            parent, rest = found.continued[0], found.continued[1:]
            yield self.continue_request(link, parent, film, calls + 1, Expansions(rest, found.ids))
        elif found.ids:
            params = {
                "link_id": str(link.get("name")),
                "children": ",".join(found.ids[:MORE_BATCH]),
            }
            params |= {"api_type": "json", "sort": "new"}
            meta = {"film": film, "link": link, "rest": found.ids[MORE_BATCH:], "calls": calls + 1}
            yield self.api("/api/morechildren", params, self.parse_more, **meta)
        else:
            self.watch(film, link, int(link.get("num_comments") or 0))

    def continue_request(
        self, link: dict[str, Any], parent: str, film: str, calls: int, rest: Expansions
    ) -> scrapy.Request:
        """The thread again, from the comment whose replies a stub held back."""
        params = {"comment": parent, "sort": "new", "limit": "500", "depth": "10"}
        meta = {"film": film, "thread": link, "focus": parent, "calls": calls}
        meta |= {"continued": rest.continued, "pending_ids": rest.ids}
        self.count("threads_continued")
        return self.api(f"/comments/{link.get('id')}", params, self.parse_comments, **meta)

    def parse_more(self, response: Response) -> Iterable[Any]:
        meta = response.meta
        things = (((self.json_of(response) or {}).get("json") or {}).get("data") or {}).get(
            "things", []
        )
        found = Expansions([], list(meta["rest"]))
        for thing in things:
            if thing.get("kind") == "t1":
                yield _comment_post(thing["data"], meta["film"])
            elif thing.get("kind") == "more":
                found.add(thing)
        yield from self.more_or_done(meta["link"], found, meta["film"], meta["calls"])

    def hint_for(self, response: Response) -> str:
        if response.status == 401 and "access_token" in response.url:
            return (
                " — Reddit rejected the app credentials: check FILMBUZZ_REDDIT_CLIENT_ID and "
                "FILMBUZZ_REDDIT_CLIENT_SECRET (a 'script' or 'web' app with API access)"
            )
        if response.status == 403 and b"whoa there" in response.body:
            return " — Reddit's block page ('whoa there, pardner!'): logged-out access is shut; use the OAuth app"
        if response.status == 403:
            return " — Reddit refused access; the subreddit may be private or banned"
        if response.status == 429:
            return " — rate limited (X-Ratelimit-*); the crawl slows down and retries"
        return ""
