"""News feeds with ETag / Last-Modified and 304 answers to conditional GETs: WordPress-style
RSS 2.0 (`/feed/`, its `<language>` on the channel) or Atom (`/feed/atom/`, `xml:lang`), and
YouTube channel feeds (`/feeds/videos.xml?channel_id=…`: Atom whose entries keep the video's
description in `media:group/media:description`, not in `summary`)."""

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
    channel = request.arg("channel_id")
    feed = f"{request.host}{request.path}" + (f"?channel_id={channel}" if channel else "")
    posts = [p for p in snapshot.of_source("feeds") if p.feed == feed]
    if not posts:
        return text_reply("<h1>Page not found</h1>", "text/html; charset=utf-8", 404)
    posts = sorted(posts, key=lambda p: p.published, reverse=True)[:FEED_ITEMS]
    atom_feed = request.path.endswith(("/atom/", "videos.xml"))
    if channel:
        body = youtube_channel(posts, channel)
    else:
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


SITES = {  # the channel header of each replayed RSS feed: title, description, language
    "www.indiewire.com": ("IndieWire", "The Voice of Creative Independence", "en-US"),
    "natalie.mu": ("映画ナタリー", "映画のニュース", "ja"),
}


def entry_id(post: SnapshotPost) -> str:
    """The id a feed gives the post's entry (RSS `guid`, Atom `id`)."""
    host = (post.feed or "").split("/")[0]
    return f"yt:video:{post.video}" if post.video else f"https://{host}/?p={post.native_id}"


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
    title, description, language = SITES[host]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>{title}</title><link>https://{host}</link><description>{description}</description>
<language>{language}</language>
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


def _video_entry(post: SnapshotPost, channel: str) -> str:
    stamp = post.published.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    video, author = post.video, escape(post.author)
    return f"""<entry>
  <id>yt:video:{video}</id><yt:videoId>{video}</yt:videoId><yt:channelId>{channel}</yt:channelId>
  <title>{escape(post.title or "")}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v={video}"/>
  <author><name>{author}</name><uri>https://www.youtube.com/channel/{channel}</uri></author>
  <published>{stamp}</published><updated>{stamp}</updated>
  <media:group>
   <media:title>{escape(post.title or "")}</media:title>
   <media:content url="https://www.youtube.com/v/{video}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i2.ytimg.com/vi/{video}/hqdefault.jpg" width="480" height="360"/>
   <media:description>{escape(post.text)}</media:description>
   <media:community><media:starRating count="{post.likes}" average="5.00" min="1" max="5"/>
    <media:statistics views="{post.likes * 37}"/></media:community>
  </media:group>
 </entry>"""


def youtube_channel(posts: list[SnapshotPost], channel: str) -> str:
    """A channel's feed as YouTube serves it: no `summary`, the description in `media:group`."""
    author = escape(posts[0].author)
    entries = "\n".join(_video_entry(p, channel) for p in posts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={channel}"/>
 <id>yt:channel:{channel}</id><yt:channelId>{channel}</yt:channelId>
 <title>{author}</title><link rel="alternate" href="https://www.youtube.com/channel/{channel}"/>
 <author><name>{author}</name><uri>https://www.youtube.com/channel/{channel}</uri></author>
 <published>2019-03-01T10:00:00+00:00</published>
 {entries}
</feed>"""
