"""Letterboxd: review listings of each film, film statistics as Signals, members' RSS feeds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import scrapy
from parsel import Selector
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.bases.html_listing import HtmlListingSpider
from crawlers.impersonate import request_meta
from crawlers.parsers import letterboxd as lb
from crawlers.text import html_to_text
from pipeline.records import Post, Signal

CARDS_PER_PAGE = 12
CLOUDFLARE_HINT = (
    " — a Cloudflare challenge: Letterboxd refuses this client. Install the optional extra "
    "(pip install 'filmbuzz[impersonate]') and set impersonate = \"chrome\" under "
    "[sources.letterboxd], or crawl less often; letterboxd stops for this run"
)


def is_challenge(response: Response) -> bool:
    """Cloudflare's block: 403/429/503 with its header or page (its beacon is on every page)."""
    if response.status not in (403, 429, 503):
        return False
    if response.headers.get(b"cf-mitigated") == b"challenge":
        return True
    return b"Just a moment" in response.body[:4000] or b"cf-chl" in response.body[:4000]


class LetterboxdSpider(HtmlListingSpider):
    name = "letterboxd"
    canonical = "https://letterboxd.com"
    card_selector = "article.production-viewing"
    next_selector = "div.pagination div.paginate-nextprev a.next"

    def first_requests(self) -> Iterable[scrapy.Request]:
        extra = request_meta(self.options.impersonate)  # type: ignore[attr-defined]
        sort = self.options.sort  # type: ignore[attr-defined]
        for film in self.films:
            slug = film.ids.letterboxd
            if not slug:
                continue
            url = f"{self.canonical}/film/{slug}/reviews/by/{sort}/"
            since = self.cursor(film.slug, sort)
            yield self.request(self.url(url), film=film.slug, since=since, sort=sort, **extra)
            if self.options.stats:  # type: ignore[attr-defined]
                # the film page only holds placeholders: its numbers come from these includes
                pages = {
                    f"/csi/film/{slug}/stats/": self.parse_stats,
                    f"/csi/film/{slug}/ratings-summary/": self.parse_ratings,
                }
                for path, callback in pages.items():
                    url = self.url(f"{self.canonical}{path}")
                    yield self.request(url, callback, film=film.slug, **extra)
        for user in self.options.accounts:  # type: ignore[attr-defined]
            feed = self.url(f"{self.canonical}/{user}/rss/")
            yield self.request(feed, self.parse_rss, user=user, **extra)

    def item_from_card(self, card: Selector, response: Response) -> Post | scrapy.Request | None:
        object_id = card.attrib.get("data-object-id", "")
        meta = response.meta
        number = lb.viewing_number(object_id)
        if meta["page"] == 1 and number > int(meta.get("newest") or 0):
            meta["newest"] = str(number)
            self.remember_cursor(meta, str(number), meta["film"], meta["sort"])
        if meta["since"] and number <= int(meta["since"]):
            meta["reached_cursor"] = True
            return None
        post = self.post_from_card(card, object_id, number, meta)
        body = card.css("div.js-review-body")
        full = body.attrib.get("data-full-text-url")
        if body.css("div.collapsed-text") and full and self.options.full_text:  # type: ignore[attr-defined]
            self.count("full_text_fetched")
            extra = {"cache": True, "post": post, "film": meta["film"], "sort": meta["sort"]}
            request = self.request(response.urljoin(full), self.parse_full_text, **extra)
            request.errback = self.on_full_text_error
            return request
        return post

    def post_from_card(self, card: Selector, object_id: str, number: int, meta: Any) -> Post:
        body = card.css("div.js-review-body")
        href = card.css("a.context::attr(href)").get() or ""
        likes = card.css("p.like-link-target::attr(data-count)").get()
        comments = card.css('a[href$="#comments"] span.label::text').get()
        return Post(
            source="letterboxd",
            source_id=object_id,
            url=f"{self.canonical}{href}" if href.startswith("/") else href,
            text=html_to_text("".join(body.xpath("./p").getall())),
            published_at=lb.card_time(card.css("time.timestamp::attr(datetime)").get()),  # type: ignore[arg-type]
            films=[meta["film"]],
            author=card.attrib.get("data-owner"),
            lang=body.attrib.get("lang"),
            query=f"letterboxd:{meta['sort']}",
            rating=lb.stars(card.css("svg.glyph.-rating::attr(aria-label)").get()),
            likes=int(likes) if likes and likes.isdigit() else None,
            replies=int(comments) if comments and comments.strip().isdigit() else None,
            extras={"spoiler": bool(card.css("p.js-spoiler-container")), "viewing": number},
        )

    def parse_full_text(self, response: Response) -> Iterable[Post]:
        post: Post = response.meta["post"]
        assert isinstance(response, TextResponse)
        post.text = html_to_text(response.text)
        post.extras["full_text"] = True
        yield post

    def on_full_text_error(self, failure: Failure) -> Any:
        meta = failure.request.meta  # type: ignore[attr-defined]
        self.hold_cursor(meta["film"], meta["sort"])  # the review is fetched again next run
        return self.on_error(failure)

    def parse_stats(self, response: Response) -> Iterable[Signal]:
        assert isinstance(response, TextResponse)
        today = datetime.now(UTC).date()
        found = lb.film_statistics(Selector(text=response.text))
        if not found:
            self.count("errors")
            self.count("errors/no_statistics")
            self.report(
                f"stats|{response.url}",
                "letterboxd: %s held no statistics; the include's layout may have changed",
                response.url,
            )
        for metric, value in found.items():
            yield Signal(response.meta["film"], "letterboxd", metric, today, value)

    def parse_ratings(self, response: Response) -> Iterable[Signal]:
        assert isinstance(response, TextResponse)
        today, film = datetime.now(UTC).date(), response.meta["film"]
        totals, bars = lb.histogram(Selector(text=response.text))
        for metric, value in totals.items():
            yield Signal(film, "letterboxd", metric, today, value)
        for key, count in bars.items():
            yield Signal(film, "letterboxd", "ratings", today, count, key)

    def parse_rss(self, response: Response) -> Iterable[Post]:
        assert isinstance(response, TextResponse)
        tracked = {f.ids.letterboxd: f.slug for f in self.films if f.ids.letterboxd}
        for review in lb.rss_reviews(response.text):
            if review is None or review.film_slug not in tracked:
                self.count("rss/skipped_items")
                continue
            yield Post(
                source="letterboxd",
                source_id=f"viewing:{review.viewing}",  # the same id as on listing pages
                url=review.link,
                text=review.text,
                published_at=review.published,  # type: ignore[arg-type]
                films=[tracked[review.film_slug]],
                author=review.author,
                query=f"letterboxd:rss:{response.meta['user']}",
                rating=review.rating,
                extras={"spoiler": review.spoiler, "viewing": review.viewing, "via": "rss"},
            )

    def keep_paging(self, items: list[Any], response: Response) -> bool:
        cards = len(response.css(self.card_selector))
        return cards >= CARDS_PER_PAGE and not response.meta.get("reached_cursor")

    def on_error(self, failure: Failure) -> Any:
        super().on_error(failure)
        response = getattr(failure.value, "response", None)
        if response is not None and is_challenge(response):
            raise CloseSpider("cloudflare_challenge")

    def hint_for(self, response: Response) -> str:
        if is_challenge(response):
            return CLOUDFLARE_HINT
        if response.status == 404:
            return " — no such film or member; check [films.ids] letterboxd and [sources.letterboxd] accounts"
        return ""
