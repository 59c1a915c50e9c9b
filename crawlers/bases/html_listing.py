"""Base for paginated HTML listings: cards on a page, a 'next' link, a page budget."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Response, TextResponse

from crawlers.bases.json_api import JsonApiSpider


class HtmlListingSpider(JsonApiSpider):
    """Subclasses set `card_selector` and `next_selector` and implement `item_from_card`.

    `keep_paging(items, response)` lets an incremental spider stop once it reaches what it
    saw last time.
    """

    card_selector: str = ""
    next_selector: str = ""

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        cards: SelectorList[Selector] = response.css(self.card_selector)
        items = [item for card in cards if (item := self.item_from_card(card, response))]
        yield from items
        href = response.css(self.next_selector).attrib.get("href")
        page = response.meta["page"] + 1
        if href and self.keep_paging(items, response) and self.within_budget(page):
            yield scrapy.Request(
                response.urljoin(href),
                callback=self.parse,
                errback=self.on_error,
                meta={**self.carry(response.meta), "page": page},
            )
        else:
            self.chain_done(response.meta)

    def item_from_card(self, card: Selector, response: Response) -> Any:
        raise NotImplementedError

    def keep_paging(self, items: list[Any], response: Response) -> bool:
        return True
