"""WordPress-style news feeds, RSS 2.0 (`/feed/`) or Atom (`/feed/atom/`), with ETag /
Last-Modified and 304 answers to conditional GETs."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime, parsedate_to_datetime
from html import escape

from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, text_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

FEED_ITEMS = 50


def app(snapshot: Snapshot, request: Request) -> Reply:
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL, "text/plain")
    feed = f"{request.host}{request.path}"
    posts = [p for p in snapshot.of_source("feeds") if p.feed == feed]
    if not posts:
        return text_reply("<h1>Page not found</h1>", "text/html; charset=utf-8", 404)
    posts = sorted(posts, key=lambda p: p.published, reverse=True)[:FEED_ITEMS]
    atom_feed = request.path.endswith("/atom/")
    body = atom(posts, request.host) if atom_feed else rss(posts, request.host)
    etag = '"' + hashlib.sha1(body.encode("utf-8")).hexdigest()[:16] + '"'
    modified = format_datetime(posts[0].published, usegmt=True)
    headers = {"ETag": etag, "Last-Modified": modified}
    if request.header("If-None-Match") == etag or _not_modified_since(request, posts[0]):
        return Reply(304, b"", headers)
    kind = "application/atom+xml" if atom_feed else "application/rss+xml"
    return text_reply(body, f"{kind}; charset=UTF-8", headers=headers)


def _not_modified_since(request: Request, newest: SnapshotPost) -> bool:
    since = request.header("If-Modified-Since")
    if not since or request.header("If-None-Match"):
        return False  # ETag wins when both are sent
    try:
        return newest.published.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


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


def entry(post: SnapshotPost, host: str) -> str:
    stamp = post.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""<entry><author><name>{escape(post.author)}</name></author>
 <title type="html"><![CDATA[{post.title or ""}]]></title>
 <link rel="alternate" type="text/html" href="{link(post, host)}" />
 <id>https://{host}/?p={post.native_id}</id><updated>{stamp}</updated><published>{stamp}</published>
 <category scheme="https://{host}" term="Interviews" />
 <summary type="html"><![CDATA[{post.text}]]></summary>
 <content type="html" xml:base="{link(post, host)}"><![CDATA[<p>{escape(post.text)}</p><p>The rest of the article.</p>]]></content></entry>"""


def atom(posts: list[SnapshotPost], host: str) -> str:
    updated = posts[0].published.strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = "\n".join(entry(p, host) for p in posts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US" xml:base="https://{host}/wp-atom.php">
<title type="text">Filmmaker Magazine</title><subtitle type="text">Independent film news</subtitle>
<updated>{updated}</updated><link rel="alternate" type="text/html" href="https://{host}" />
<id>https://{host}/feed/atom/</id><link rel="self" type="application/atom+xml" href="https://{host}/feed/atom/" />
{entries}
</feed>"""
