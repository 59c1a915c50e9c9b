"""Film news RSS/Atom feeds: entries that name a tracked film, kept as link plus excerpt."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import scrapy
from scrapy.http import Response

from crawlers.bases.feed import FeedEntry, FeedSpider
from crawlers.text import TitleMatcher, html_to_text
from pipeline.records import Post

EXCERPT_CHARS = 600


class FeedsSpider(FeedSpider):
    name = "feeds"

    @cached_property
    def matcher(self) -> TitleMatcher:
        return TitleMatcher(self.films)

    def first_requests(self) -> Iterable[scrapy.Request]:
        for url in self.options.urls:  # type: ignore[attr-defined]
            yield self.feed_request(url)

    def items_from_entry(self, entry: FeedEntry, response: Response) -> Iterable[Post]:
        title = html_to_text(entry.title)
        summary = html_to_text(entry.summary or entry.content)
        haystack = " ".join([title, summary, html_to_text(entry.content), *entry.categories])
        films = self.matcher.films_in(haystack)
        if not films:
            self.count("unmatched")
            return
        excerpt = (
            summary
            if len(summary) <= EXCERPT_CHARS
            else summary[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
        )
        yield Post(
            source="feeds",
            source_id=entry.id or entry.link,
            url=entry.link,
            text=excerpt or title,
            published_at=entry.published,  # type: ignore[arg-type]
            films=films,
            author=entry.author,
            lang=entry.lang,
            title=title,
            query=response.meta["feed"],
            extras={"feed": response.meta["feed"], "categories": entry.categories},
        )
