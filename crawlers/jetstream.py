"""A Jetstream (Bluesky firehose) listener: keeps the new posts that name a tracked film.

Jetstream needs no account. Posts are matched on their text and hashtags (titles, other
titles, aliases), validated like crawled posts, written to the raw lake in batches, and the
stream position (`time_us`) is saved after each batch, so a restart resumes where the last
batch ended and the lake's id dedupe absorbs any overlap.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, WebSocketException

from crawlers.cursors import CursorStore
from crawlers.pipelines.validate import normalise_post, post_problem
from crawlers.text import TitleMatcher
from pipeline.config import Film
from pipeline.lake import Lake
from pipeline.records import Post, posts_table

logger = logging.getLogger(__name__)
POST = "app.bsky.feed.post"
CURSOR_KEY = "jetstream"
MAX_BACKOFF = 30.0


@dataclass
class ListenStats:
    events: int = 0
    posts_seen: int = 0
    matched: int = 0
    written: int = 0
    invalid: int = 0
    reconnects: int = 0
    errors: int = 0
    last_error: str = ""


def post_from_event(
    event: dict[str, Any], matcher: TitleMatcher, handles: dict[str, str]
) -> Post | None:
    """The tracked-film post a `commit` event creates, or None."""
    commit = event.get("commit") or {}
    if (
        event.get("kind") != "commit"
        or commit.get("operation") != "create"
        or commit.get("collection") != POST
    ):
        return None
    record, did = commit.get("record") or {}, str(event.get("did", ""))
    tags = [
        f.get("tag", "")
        for facet in record.get("facets") or []
        for f in facet.get("features") or []
        if f.get("tag")
    ]
    text = str(record.get("text") or "")
    films = matcher.films_in(" ".join([text, *(f"#{t}" for t in tags)]))
    if not films:
        return None
    try:
        created = datetime.fromisoformat(str(record.get("createdAt", "")).replace("Z", "+00:00"))
    except ValueError:
        created = None  # counted as invalid by validation
    rkey, author = str(commit.get("rkey", "")), handles.get(did, did)
    return Post(
        source="bluesky",
        source_id=f"at://{did}/{POST}/{rkey}",  # the same id searchPosts gives
        url=f"https://bsky.app/profile/{author}/post/{rkey}",
        text=text,
        published_at=created,  # type: ignore[arg-type]
        films=films,
        author=author,
        lang=(record.get("langs") or [None])[0],
        query="jetstream",
        extras={"did": did, "tags": tags, "via": "jetstream"},
    )


class JetstreamListener:
    """`run(seconds)` listens for that long (reconnecting with back-off) and returns counts."""

    def __init__(
        self,
        url: str,
        films: list[Film],
        lake: Lake,
        cursors: CursorStore,
        user_agent: str,
        batch: int = 200,
    ) -> None:
        self.url, self.lake, self.cursors = url, lake, cursors
        self.matcher = TitleMatcher(films)
        self.user_agent, self.batch = user_agent, batch
        self.stats = ListenStats()
        self.pending: list[Post] = []
        self.handles: dict[str, str] = {}
        self.known: set[str] = set()
        self.position: int | None = None

    def subscribe_url(self) -> str:
        params: dict[str, str] = {"wantedCollections": POST}
        saved = self.cursors.get(CURSOR_KEY)
        if saved:
            params["cursor"] = saved
        return f"{self.url}?{urlencode(params)}"

    async def run(self, seconds: float) -> ListenStats:
        self.known = self.lake.ids("raw")
        loop = asyncio.get_running_loop()
        deadline, backoff = loop.time() + seconds, 1.0
        while loop.time() < deadline:
            try:
                async with asyncio.timeout(deadline - loop.time()):
                    await self._listen()  # returns when the server closes the stream
            except TimeoutError:
                break
            except (OSError, InvalidHandshake, WebSocketException) as exc:
                self.stats.errors += 1
                self.stats.last_error = f"{type(exc).__name__}: {exc}"
                logger.warning(
                    "jetstream: %s; reconnecting in %.0f s", self.stats.last_error, backoff
                )
            self.flush()
            await asyncio.sleep(min(backoff, max(0.0, deadline - loop.time())))
            backoff = min(backoff * 2, MAX_BACKOFF)
            self.stats.reconnects += 1
        self.flush()
        return self.stats

    async def _listen(self) -> None:
        async with connect(
            self.subscribe_url(), user_agent_header=self.user_agent, open_timeout=15
        ) as socket:
            async for message in socket:
                self.handle(message)
                if len(self.pending) >= self.batch:
                    self.flush()

    def handle(self, message: str | bytes) -> None:
        try:
            event = json.loads(message)
        except ValueError:
            self.stats.invalid += 1
            return
        self.stats.events += 1
        self.position = max(self.position or 0, int(event.get("time_us") or 0))
        if event.get("kind") == "identity":
            identity = event.get("identity") or {}
            if identity.get("handle"):
                self.handles[str(event.get("did"))] = identity["handle"]
            return
        if (event.get("commit") or {}).get("collection") == POST:
            self.stats.posts_seen += 1
        post = post_from_event(event, self.matcher, self.handles)
        if post is None:
            return
        if post_problem(post):
            self.stats.invalid += 1
            return
        self.stats.matched += 1
        self.pending.append(normalise_post(post))

    def flush(self) -> None:
        """Write the batch, then save the stream position (never the other way round)."""
        if self.pending:
            self.stats.written += self.lake.append("raw", posts_table(self.pending), self.known)
            self.pending = []
        if self.position:
            self.cursors.propose(CURSOR_KEY, str(self.position))
            self.cursors.commit()
