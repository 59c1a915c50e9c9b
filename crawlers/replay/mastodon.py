"""Mastodon hashtag timelines (`/api/v1/timelines/tag/{tag}`) as a real instance answers them."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, json_reply, text_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

_TAG_PATH = re.compile(r"^/api/v1/timelines/tag/([^/]+)$")
_HASHTAG = re.compile(r"#(\w+)")
RATE_LIMIT = 300


def app(snapshot: Snapshot, instance: str, request: Request) -> Reply:
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL + "Disallow: /media_proxy/\n", "text/plain")
    if request.path == "/api/v2/instance":
        return json_reply(instance_info(instance))
    match = _TAG_PATH.match(request.path)
    if not match:
        return json_reply({"error": "Record not found"}, status=404)
    tag = match.group(1).lower()
    statuses = snapshot.memo(
        ("mastodon", instance, tag),
        lambda: sorted(
            (
                p
                for p in snapshot.of_source("mastodon")
                if instance in p.instances and tag in p.tags
            ),
            key=lambda p: p.native_id,
            reverse=True,
        ),
    )
    page = _page(statuses, request)
    headers = _rate_limit_headers()
    if page:
        url = f"{request.base}/api/v1/timelines/tag/{match.group(1)}"
        headers["Link"] = (
            f'<{url}?max_id={page[-1].native_id}>; rel="next", '
            f'<{url}?min_id={page[0].native_id}>; rel="prev"'
        )
    return json_reply([status(p, instance) for p in page], headers=headers)


def instance_info(instance: str, hashtag_feeds: str = "public") -> dict[str, Any]:
    """`GET /api/v2/instance` as Mastodon 4.5 answers it (abridged); `hashtag_feeds` is
    `public`, `authenticated` or `disabled`."""
    access = {"local": hashtag_feeds, "remote": hashtag_feeds}
    timelines = {"live_feeds": access, "hashtag_feeds": access, "trending_link_feeds": access}
    return {
        "domain": instance,
        "title": instance,
        "version": "4.5.0",
        "configuration": {"timelines_access": timelines, "statuses": {"max_characters": 500}},
    }


def _page(statuses: list[SnapshotPost], request: Request) -> list[SnapshotPost]:
    limit = min(int(request.arg("limit", "20") or 20), 40)
    max_id, since_id, min_id = (request.arg(k) for k in ("max_id", "since_id", "min_id"))
    if max_id:
        statuses = [p for p in statuses if p.native_id < int(max_id)]
    if since_id:
        statuses = [p for p in statuses if p.native_id > int(since_id)]
    if min_id:  # the statuses just after min_id, still newest first
        newer = [p for p in statuses if p.native_id > int(min_id)]
        return newer[-limit:]
    return statuses[:limit]


def _rate_limit_headers() -> dict[str, str]:
    reset = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "X-RateLimit-Limit": str(RATE_LIMIT),
        "X-RateLimit-Remaining": str(RATE_LIMIT - 1),
        "X-RateLimit-Reset": reset,
    }


def content_html(text: str, instance: str) -> str:
    """Sanitised status HTML as Mastodon renders it: paragraphs, line breaks, hashtag links."""

    def paragraph(chunk: str) -> str:
        escaped = html.escape(chunk, quote=False).replace("\n", "<br />")
        return _HASHTAG.sub(
            lambda m: (
                f'<a href="https://{instance}/tags/{m.group(1).lower()}" class="mention hashtag" '
                f'rel="tag">#<span>{m.group(1)}</span></a>'
            ),
            escaped,
        )

    return "".join(f"<p>{paragraph(c)}</p>" for c in text.split("\n\n") if c.strip())


def status(post: SnapshotPost, instance: str) -> dict[str, Any]:
    home = post.instances[0]
    created = (
        post.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{post.published.microsecond // 1000:03d}Z"
    )
    acct = post.author if home == instance else f"{post.author}@{home}"
    return {
        "id": str(post.native_id),
        "created_at": created,
        "edited_at": None,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": post.spoiler,
        "spoiler_text": "spoilers" if post.spoiler else "",
        "visibility": "public",
        "language": post.lang,
        "uri": f"https://{home}/users/{post.author}/statuses/{post.native_id}",
        "url": f"https://{home}/@{post.author}/{post.native_id}",
        "replies_count": post.replies,
        "reblogs_count": post.reposts,
        "favourites_count": post.likes,
        "quotes_count": 0,
        "content": content_html(post.text, home),
        "reblog": None,
        "account": {
            "id": str(abs(hash(post.author)) % 10**15),
            "username": post.author,
            "acct": acct,
            "display_name": post.author.replace("_", " ").title(),
            "url": f"https://{home}/@{post.author}",
            "followers_count": 10 + len(post.author) * 37,
            "bot": False,
            "created_at": "2022-11-05T00:00:00.000Z",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": t, "url": f"https://{instance}/tags/{t}"} for t in post.tags],
        "emojis": [],
        "card": None,
        "poll": None,
    }
