"""Letterboxd's formats: review cards, the statistics and ratings includes, members' RSS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from parsel import Selector

from crawlers.bases.feed import parse_date
from crawlers.text import html_to_text

RSS_NAMESPACES = {
    "letterboxd": "https://letterboxd.com",
    "tmdb": "https://themoviedb.org",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_NUMBER = re.compile(r"(\d[\d,.]*)(?:\s?([KkMm])(?![A-Za-z]))?")
_FILM_LINK = re.compile(r"/film/([a-z0-9-]+)/")
_SPOILER_NOTE = re.compile(r"^\s*This review may contain spoilers\.\s*", re.IGNORECASE)
STATISTICS = ("watches", "lists", "likes")
# a bar's title: '1,578 ★ ratings (1%)', '1 half-★ rating (4%)', 'No ★½ ratings'
_BAR = re.compile(r"^\s*(No|\d[\d,]*)\s+(half-★|[★½]+)\s+ratings?\b", re.IGNORECASE)
_AVERAGE = re.compile(r"Weighted average of ([\d.]+)")


def stars(label: str | None) -> float | None:
    """'★★★½' -> 3.5; None when unrated."""
    if not label:
        return None
    value = label.count("★") + (0.5 if "½" in label else 0.0)
    return value or None


def viewing_number(object_id: str) -> int:
    digits = object_id.rpartition(":")[2].rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0


def card_time(value: str | None) -> datetime | None:
    """A diary date (`2026-03-14`) or an instant (`2026-07-22T07:42:36.842Z`), in UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if len(value) == 10:
        # A diary date is the member's local day; noon UTC keeps that day from UTC-11 to UTC+11.
        return parsed.replace(hour=12, tzinfo=UTC)
    return parsed.replace(tzinfo=UTC)


def number(text: str | None) -> float | None:
    """The first number in a label: '48,213 members' -> 48213, '1.2K fans' -> 1200."""
    match = _NUMBER.search(text or "")
    if not match:
        return None
    digits, scale = match.groups()
    if scale:
        return float(digits.replace(",", "")) * (1000 if scale in "Kk" else 1_000_000)
    return float(digits.replace(",", ""))


def film_statistics(fragment: Selector) -> dict[str, float]:
    """Watches, lists and likes (exact, from `aria-label`) of the `/csi/film/{slug}/stats/` include."""
    found: dict[str, float] = {}
    for kind in STATISTICS:
        value = number(fragment.css(f".production-statistic.-{kind}::attr(aria-label)").get())
        if value is not None:
            found[kind] = value
    return found


def bar(label: str) -> tuple[str, float] | None:
    """A histogram bar's title -> ('0.5' … '5.0', count); 'half-★' is the half-star bucket."""
    match = _BAR.match(label.replace("\xa0", " "))
    if not match:
        return None
    count, glyph = match.groups()
    value = 0.5 if glyph.lower() == "half-★" else glyph.count("★") + (0.5 if "½" in glyph else 0.0)
    return f"{value:.1f}", 0.0 if count.lower() == "no" else float(count.replace(",", ""))


def histogram(fragment: Selector) -> tuple[dict[str, float], dict[str, float]]:
    """Fans and average rating, and the count of ratings per half star ('0.5' … '5.0'), from the
    ratings include: the table layout (`.barcolumn`, a `span` for an empty bucket) or the older
    list of bars (`li.rating-histogram-bar a`)."""
    found: dict[str, float] = {}
    fans = number(fragment.css("a[href$='/fans/']::text").get())
    if fans is not None:
        found["fans"] = fans
    average = _AVERAGE.search(fragment.css(".average-rating a::attr(title)").get() or "")
    if average:
        found["average_rating"] = float(average.group(1))
    bars: dict[str, float] = {}
    for node in fragment.css(".barcolumn, li.rating-histogram-bar a"):
        parsed = bar(node.attrib.get("title") or node.attrib.get("data-original-title") or "")
        if parsed is not None:
            bars[parsed[0]] = parsed[1]
    return found, bars


@dataclass(frozen=True, slots=True)
class RssReview:
    viewing: int
    link: str
    film_slug: str | None
    rating: float | None
    text: str
    spoiler: bool
    published: datetime | None
    author: str | None


def rss_reviews(body: str) -> Iterator[RssReview | None]:
    """Review items of a member's feed; None for items that are not reviews (lists, watches)."""
    feed = Selector(text=body, type="xml")
    for prefix, uri in RSS_NAMESPACES.items():
        feed.register_namespace(prefix, uri)
    for item in feed.xpath("//item"):
        guid = item.xpath("string(guid)").get() or ""
        if not guid.startswith("letterboxd-review-"):
            yield None
            continue
        link = item.xpath("string(link)").get() or ""
        slug = _FILM_LINK.search(link)
        text = html_to_text(
            re.sub(r"<img[^>]*>", "", item.xpath("string(description)").get() or "")
        )
        rating = item.xpath("string(letterboxd:memberRating)").get()
        yield RssReview(
            viewing=viewing_number(guid),
            link=link,
            film_slug=slug.group(1) if slug else None,
            rating=float(rating) if rating else stars(item.xpath("string(title)").get()),
            text=_SPOILER_NOTE.sub("", text),
            spoiler=bool(_SPOILER_NOTE.match(text)),
            published=parse_date(item.xpath("string(pubDate)").get() or ""),
            author=link.split("/")[3] if link.count("/") > 3 else None,
        )
