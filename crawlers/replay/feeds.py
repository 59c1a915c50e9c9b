"""A WordPress-style RSS 2.0 news feed (`/feed/`) with ETag / Last-Modified and 304 answers."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime
from html import escape

from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, text_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

FEED_ITEMS = 50


def app(snapshot: Snapshot, request: Request) -> Reply:
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL, "text/plain")
    if request.path != "/feed/":
        return text_reply("<h1>Page not found</h1>", "text/html; charset=utf-8", 404)
    posts = sorted(snapshot.of_source("feeds"), key=lambda p: p.published, reverse=True)[
        :FEED_ITEMS
    ]
    body = rss(posts, request.host)
    etag = '"' + hashlib.sha1(body.encode("utf-8")).hexdigest()[:16] + '"'
    modified = format_datetime(posts[0].published, usegmt=True) if posts else ""
    if request.header("If-None-Match") == etag:
        return Reply(304, b"", {"ETag": etag, "Last-Modified": modified})
    return text_reply(
        body,
        "application/rss+xml; charset=UTF-8",
        headers={"ETag": etag, "Last-Modified": modified},
    )


def link(post: SnapshotPost, host: str) -> str:
    return f"https://{host}/features/{post.id}-{post.native_id}/"


def item(post: SnapshotPost, host: str) -> str:
    return f"""<item><title>{escape(post.title or "", quote=False)}</title>
 <link>{link(post, host)}</link>
 <dc:creator><![CDATA[{post.author}]]></dc:creator><pubDate>{format_datetime(post.published)}</pubDate>
 <category><![CDATA[Film]]></category><guid isPermaLink="false">https://{host}/?p={post.native_id}</guid>
 <description><![CDATA[{post.text}]]></description>
 <content:encoded><![CDATA[<p>{escape(post.text)}</p><p>Read more on the site.</p>]]></content:encoded></item>"""


def rss(posts: list[SnapshotPost], host: str) -> str:
    items = "\n".join(item(p, host) for p in posts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>IndieWire</title><link>https://{host}</link><description>The Voice of Creative Independence</description>
<language>en-US</language>
{items}
</channel></rss>"""
