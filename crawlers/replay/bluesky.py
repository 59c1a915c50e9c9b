"""Bluesky's XRPC as a PDS answers it: createSession, refreshSession and app.bsky.feed.searchPosts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from crawlers.replay import ids
from crawlers.replay.matching import matches
from crawlers.replay.reply import Reply, Request, json_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

AUTH_MISSING = {"error": "AuthMissing", "message": "Authentication Required"}
BAD_LOGIN = {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
EXPIRED = {"error": "ExpiredToken", "message": "Token has expired"}
UPSTREAM_403 = {"error": "Forbidden", "message": "Forbidden"}


class Sessions:
    """Tokens issued by this replay PDS (shared across requests; thread-safe enough for tests)."""

    def __init__(self, handle: str, password: str) -> None:
        self.handle, self.password = handle, password
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.created = 0
        self._numbers = itertools.count(1)

    def issue(self) -> dict[str, Any]:
        number = next(self._numbers)
        access, refresh = f"replay-access-{number}", f"replay-refresh-{number}"
        self.access.add(access)
        self.refresh.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.handle,
            "did": ids.did(self.handle),
            "active": True,
        }

    def expire_all(self) -> None:
        """Make every access token stale (tests check that the spider refreshes its session)."""
        self.access.clear()


def app(snapshot: Snapshot, sessions: Sessions, request: Request) -> Reply:
    path = request.path
    if path == "/xrpc/com.atproto.server.createSession" and request.method == "POST":
        body = request.json() or {}
        if (body.get("identifier"), body.get("password")) != (sessions.handle, sessions.password):
            return json_reply(BAD_LOGIN, status=401)
        sessions.created += 1
        return json_reply(sessions.issue())
    if path == "/xrpc/com.atproto.server.refreshSession" and request.method == "POST":
        if request.bearer() not in sessions.refresh:
            return json_reply(EXPIRED, status=400)
        return json_reply(sessions.issue())
    if path == "/xrpc/app.bsky.feed.searchPosts":
        token = request.bearer()
        if token is None:
            return json_reply(AUTH_MISSING, status=401)
        if token not in sessions.access:
            return json_reply(EXPIRED, status=400)
        return search(snapshot, request)
    return json_reply({"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501)


def search(snapshot: Snapshot, request: Request) -> Reply:
    query = request.arg("q") or ""
    hits = [p for p in snapshot.of_source("bluesky") if matches(query, p.text)]
    since, until = request.arg("since"), request.arg("until")
    if since:
        hits = [p for p in hits if p.published >= _instant(since)]
    if until:
        hits = [p for p in hits if p.published < _instant(until)]
    hits.sort(key=lambda p: p.published, reverse=True)
    limit = max(1, min(int(request.arg("limit", "25") or 25), 100))
    offset = int(request.arg("cursor", "0") or 0)
    page = hits[offset : offset + limit]
    data: dict[str, Any] = {"hitsTotal": len(hits), "posts": [post_view(p) for p in page]}
    if offset + limit < len(hits):
        data["cursor"] = str(offset + limit)
    headers = {
        "RateLimit-Limit": "3000",
        "RateLimit-Remaining": "2999",
        "RateLimit-Policy": "3000;w=300",
    }
    return json_reply(data, headers=headers)


def _instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def at_uri(post: SnapshotPost) -> str:
    return f"at://{ids.did(post.author)}/app.bsky.feed.post/{ids.tid(post.native_id)}"


def record(post: SnapshotPost) -> dict[str, Any]:
    return {
        "$type": "app.bsky.feed.post",
        "createdAt": stamp(post.published),
        "langs": [post.lang],
        "text": post.text,
        "facets": _tag_facets(post.text),
    }


def _tag_facets(text: str) -> list[dict[str, Any]]:
    facets, encoded, start = [], text.encode("utf-8"), 0
    while (start := encoded.find(b"#", start)) >= 0:
        end = start + 1
        while end < len(encoded) and (chr(encoded[end]).isalnum() or encoded[end] == ord("_")):
            end += 1
        if end > start + 1:
            tag = encoded[start + 1 : end].decode("utf-8")
            facets.append(
                {
                    "index": {"byteStart": start, "byteEnd": end},
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                }
            )
        start = end
    return facets


def post_view(post: SnapshotPost) -> dict[str, Any]:
    did = ids.did(post.author)
    return {
        "uri": at_uri(post),
        "cid": "bafyrei" + ids.base36(post.native_id)[:40],
        "author": {
            "did": did,
            "handle": post.author,
            "displayName": post.author.split(".")[0].replace("_", " ").title(),
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/x@jpeg",
            "createdAt": "2023-02-01T10:00:00.000Z",
            "labels": [],
        },
        "record": record(post),
        "bookmarkCount": 0,
        "replyCount": post.replies,
        "repostCount": post.reposts,
        "likeCount": post.likes,
        "quoteCount": 0,
        "indexedAt": stamp(post.published),
        "labels": [],
    }
