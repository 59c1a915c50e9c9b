"""Base for RSS 2.0 and Atom feeds: namespace-aware parsing and conditional GET."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

from parsel import Selector
from scrapy.http import Response

from crawlers.bases.json_api import JsonApiSpider
from crawlers.cursors import cursor_key

NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}


@dataclass(slots=True)
class FeedEntry:
    """One RSS item or Atom entry, as the feed gives it (HTML not yet stripped)."""

    id: str
    link: str
    title: str
    summary: str
    content: str
    author: str | None
    published: datetime | None
    categories: list[str] = field(default_factory=list)
    lang: str | None = None  # the feed's `<language>` (RSS) or `xml:lang` (Atom)


def parse_feed(body: str) -> Iterator[FeedEntry]:
    selector = Selector(text=body, type="xml")
    for prefix, uri in NAMESPACES.items():
        selector.register_namespace(prefix, uri)
    language = _text(selector, "//channel/language") or None
    for item in selector.xpath("//item"):
        yield _rss_entry(item, language)
    for entry in selector.xpath("//atom:entry"):
        yield _atom_entry(entry)


def _text(node: Selector, xpath: str) -> str:
    return (node.xpath(f"string({xpath})").get() or "").strip()


def _rss_entry(item: Selector, language: str | None) -> FeedEntry:
    link = _text(item, "link")
    return FeedEntry(
        id=_text(item, "guid") or link,
        link=link,
        title=_text(item, "title"),
        summary=_text(item, "description"),
        content=_text(item, "content:encoded"),
        author=_text(item, "dc:creator") or _text(item, "author") or None,
        published=parse_date(_text(item, "pubDate") or _text(item, "dc:date")),
        categories=[c.strip() for c in item.xpath("category/text()").getall() if c.strip()],
        lang=language,
    )


def _atom_entry(entry: Selector) -> FeedEntry:
    link = (
        entry.xpath("atom:link[@rel='alternate']/@href").get()
        or entry.xpath("atom:link[not(@rel)]/@href").get()
        or ""
    )
    return FeedEntry(
        id=_text(entry, "atom:id") or link,
        link=link,
        title=_text(entry, "atom:title"),
        # YouTube's channel feeds keep the video's description in media:group, with no summary
        summary=_text(entry, "atom:summary") or _text(entry, "media:group/media:description"),
        content=_text(entry, "atom:content"),
        author=_text(entry, "atom:author/atom:name") or None,
        published=parse_date(_text(entry, "atom:published") or _text(entry, "atom:updated")),
        categories=entry.xpath("atom:category/@term").getall(),
        lang=entry.xpath("(ancestor-or-self::*/@xml:lang)[last()]").get() or None,
    )


def parse_date(value: str) -> datetime | None:
    """RFC 822 (RSS) or RFC 3339 (Atom), always returned in UTC."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class FeedSpider(JsonApiSpider):
    """Fetches feeds with `If-None-Match` / `If-Modified-Since` from the last run; a 304 yields nothing.

    Subclasses implement `items_from_entry`.
    """

    handle_httpstatus_list: ClassVar[list[int]] = [304]

    def feed_request(self, url: str, **meta: Any) -> Any:
        request = self.request(self.url(url), feed=url, **meta)
        for header, key in (("If-None-Match", "etag"), ("If-Modified-Since", "modified")):
            value = self.cursor(url, key)
            if value:
                request.headers[header] = value
        return request

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        feed = response.meta["feed"]
        if response.status == 304:
            self.count("not_modified")
            return
        for header, key in ((b"ETag", "etag"), (b"Last-Modified", "modified")):
            value = response.headers.get(header)
            if value:
                self.cursors.propose(cursor_key(feed, key), value.decode("latin-1"))
        for entry in parse_feed(response.text):
            yield from self.items_from_entry(entry, response)

    def items_from_entry(self, entry: FeedEntry, response: Response) -> Iterable[Any]:
        raise NotImplementedError
