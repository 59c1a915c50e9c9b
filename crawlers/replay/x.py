"""X API v2 recent search (`api.x.com/2/tweets/search/recent`), with `includes.users`; and the
usage endpoint (`/2/usage/tweets`) that `filmbuzz check` asks, since it reads no posts."""

from __future__ import annotations

import time
from typing import Any

from crawlers.replay import ids
from crawlers.replay.matching import matches
from crawlers.replay.reply import Reply, Request, json_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}
CREDITS = {
    "title": "CreditsDepleted",
    "type": "https://api.x.com/2/problems/credits",
    "status": 402,
    "detail": "Your enrolled account does not have any credits to fulfill this request.",
}
RATE_LIMIT = 450
USAGE = {"cap_reset_day": 10, "project_cap": "2000000", "project_id": "1900000000000000001"}


def app(snapshot: Snapshot, token: str, request: Request) -> Reply:
    if request.bearer() != token:
        return json_reply(UNAUTHORIZED, status=401)
    if request.path == "/2/usage/tweets":
        return json_reply({"data": {**USAGE, "project_usage": "0"}})
    if request.path != "/2/tweets/search/recent":
        return json_reply(
            {"title": "Not Found Error", "status": 404, "type": "about:blank"}, status=404
        )
    query = request.arg("query") or ""
    posts = [p for p in snapshot.of_source("x") if matches(query, p.text)]
    since = request.arg("since_id")
    if since:
        posts = [p for p in posts if p.native_id > int(since)]
    posts.sort(key=lambda p: p.native_id, reverse=True)
    size = max(10, min(int(request.arg("max_results", "10") or 10), 100))
    start = int(request.arg("next_token") or request.arg("pagination_token") or 0)
    page = posts[start : start + size]
    headers = {
        "x-rate-limit-limit": str(RATE_LIMIT),
        "x-rate-limit-remaining": str(RATE_LIMIT - 1),
        "x-rate-limit-reset": str(int(time.time()) + 900),
    }
    if not page:
        return json_reply({"meta": {"result_count": 0}}, headers=headers)
    meta: dict[str, Any] = {
        "newest_id": str(page[0].native_id),
        "oldest_id": str(page[-1].native_id),
    }
    meta["result_count"] = len(page)
    if start + size < len(posts):
        meta["next_token"] = str(start + size)
    fields = set((request.arg("user.fields") or "").split(","))
    profiles = snapshot.catalog.get("x_profiles", {})
    users = {p.author: _user(p, fields, profiles.get(p.author, {})) for p in page}
    body = {
        "data": [_tweet(p) for p in page],
        "includes": {"users": list(users.values())},
        "meta": meta,
    }
    return json_reply(body, headers=headers)


def _tweet(post: SnapshotPost) -> dict[str, Any]:
    stamp = (
        post.published.strftime("%Y-%m-%dT%H:%M:%S.") + f"{post.published.microsecond // 1000:03d}Z"
    )
    metrics = {"retweet_count": post.reposts, "reply_count": post.replies, "like_count": post.likes}
    metrics |= {"quote_count": 0, "bookmark_count": 0, "impression_count": post.likes * 40 + 100}
    return {
        "id": str(post.native_id),
        "edit_history_tweet_ids": [str(post.native_id)],
        "text": post.text,
        "author_id": ids.numeric(post.author),
        "created_at": stamp,
        "lang": post.lang,
        "conversation_id": str(post.native_id),
        "public_metrics": metrics,
    }


def _user(post: SnapshotPost, fields: set[str], profile: dict[str, Any]) -> dict[str, Any]:
    """A user object: X sends an optional field only when it was asked for and is set."""
    user = {
        "id": ids.numeric(post.author),
        "username": post.author,
        "name": post.author.replace("_", " ").title(),
        "public_metrics": {
            "followers_count": 40 + len(post.author) * 53,
            "following_count": 120,
            "tweet_count": 900 + len(post.author) * 11,
            "listed_count": 3,
        },
    }
    if "location" in fields and profile.get("location"):
        user["location"] = profile["location"]
    return user
