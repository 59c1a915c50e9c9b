"""Letterboxd review listings of each film (newest first), read from the review cards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response

from crawlers.bases.html_listing import HtmlListingSpider
from crawlers.text import html_to_text
from pipeline.records import Post

CARDS_PER_PAGE = 12


def stars(label: str | None) -> float | None:
    """'★★★½' -> 3.5; None when unrated."""
    if not label:
        return None
    value = label.count("★") + (0.5 if "½" in label else 0.0)
    return value or None


def viewing_number(object_id: str) -> int:
    digits = object_id.rpartition(":")[2]
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
        # A diary date is the member's local day; noon UTC keeps that day in every zone from UTC-11 to UTC+11.
        return parsed.replace(hour=12, tzinfo=UTC)
    return parsed.replace(tzinfo=UTC)


class LetterboxdSpider(HtmlListingSpider):
    name = "letterboxd"
    canonical = "https://letterboxd.com"
    card_selector = "article.production-viewing"
    next_selector = "div.pagination div.paginate-nextprev a.next"

    def first_requests(self) -> Iterable[scrapy.Request]:
        sort = self.options.sort  # type: ignore[attr-defined]
        for film in self.films:
            slug = film.ids.letterboxd
            if not slug:
                continue
            url = f"{self.canonical}/film/{slug}/reviews/by/{sort}/"
            since = self.cursor(film.slug, sort)
            yield self.request(self.url(url), film=film.slug, since=since, sort=sort)

    def item_from_card(self, card: Selector, response: Response) -> Post | None:
        object_id = card.attrib.get("data-object-id", "")
        meta = response.meta
        number = viewing_number(object_id)
        if meta["page"] == 1 and number > int(meta.get("newest") or 0):
            meta["newest"] = str(number)
            self.remember_cursor(meta, str(number), meta["film"], meta["sort"])
        if meta["since"] and number <= int(meta["since"]):
            meta["reached_cursor"] = True
            return None
        body = card.css("div.js-review-body")
        href = card.css("a.context::attr(href)").get() or ""
        likes = card.css("p.like-link-target::attr(data-count)").get()
        comments = card.css('a[href$="#comments"] span.label::text').get()
        return Post(
            source="letterboxd",
            source_id=object_id,
            url=f"{self.canonical}{href}" if href.startswith("/") else href,
            text=html_to_text("".join(body.css("p").getall())),
            published_at=card_time(card.css("time.timestamp::attr(datetime)").get()),  # type: ignore[arg-type]
            films=[meta["film"]],
            author=card.attrib.get("data-owner"),
            lang=body.attrib.get("lang"),
            query=f"letterboxd:{meta['sort']}",
            rating=stars(card.css("svg.glyph.-rating::attr(aria-label)").get()),
            likes=int(likes) if likes and likes.isdigit() else None,
            replies=int(comments) if comments and comments.strip().isdigit() else None,
            extras={"spoiler": bool(card.css("p.js-spoiler-container")), "viewing": number},
        )

    def keep_paging(self, items: list[Any], response: Response) -> bool:
        cards = len(response.css(self.card_selector))
        return cards >= CARDS_PER_PAGE and not response.meta.get("reached_cursor")

    def hint_for(self, response: Response) -> str:
        if response.status == 403:
            return " — blocked by Cloudflare; slow down or enable the browser-impersonating handler"
        if response.status == 404:
            return " — no such film; check [films.ids] letterboxd"
        return ""
