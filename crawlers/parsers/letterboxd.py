"""Letterboxd's formats: review cards, film page statistics, the rating histogram, members' RSS."""

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


def film_statistics(page: Selector) -> dict[str, float]:
    """Watches, lists, likes (exact, from `aria-label`) and the average rating of a film page."""
    found: dict[str, float] = {}
    for kind in STATISTICS:
        value = number(page.css(f".production-statistic.-{kind}::attr(aria-label)").get())
        if value is not None:
            found[kind] = value
    average = number(page.css('meta[name="twitter:data2"]::attr(content)').get())
    if average is not None:
        found["average_rating"] = average
    return found


def histogram(fragment: Selector) -> tuple[float | None, dict[str, float]]:
    """Fans and the count of ratings per half-star ('0.5' … '5.0') from the histogram fragment."""
    fans = number(fragment.css("a[href$='/fans/']::text").get())
    bars: dict[str, float] = {}
    for bar in fragment.css("li.rating-histogram-bar a"):
        label = bar.attrib.get("data-original-title") or bar.attrib.get("title") or ""
        count, rating = number(label), stars(label)
        if count is not None and rating is not None:
            bars[f"{rating:.1f}"] = count
    return fans, bars


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
