"""Base for APIs behind a login (an OAuth token, an atproto session): log in once, share the
token with every request, and log in again when the API says the token expired."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.bases.json_api import JsonApiSpider, short


class SessionSpider(JsonApiSpider):
    """Subclasses implement `login_request` (its callback ends with `yield from self.logged_in()`),
    `after_login` (the crawl's first requests) and `is_expired`.

    Requests with `meta["auth"]` get the token from `authorization()` at download time (see
    `AuthMiddleware`). Requests refused for an expired token wait for one new login (shared by
    all of them) and are sent again once; at most `max_logins` logins happen per crawl.
    """

    max_logins = 3
    logins = 0
    started = False
    refreshing = False
    waiting: list[scrapy.Request]

    def first_requests(self) -> Iterable[scrapy.Request]:
        self.waiting = []
        yield self.login_request()

    def login_request(self) -> scrapy.Request:
        raise NotImplementedError

    def after_login(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def is_expired(self, response: Response) -> bool:
        return response.status == 401

    def login_failed(self, response: Response, advice: str) -> None:
        """The login answered without a token: one line, counted once as an error; nothing
        else of this source is asked for in this run."""
        self.count("errors")
        self.count("errors/no_token")
        self.refreshing = False
        self.report(
            "login|no_token",
            "%s: %s answered without an access token%s; %s stops for this run",
            self.name,
            short(response.url),
            advice,
            self.name,
        )

    def logged_in(self) -> Iterable[scrapy.Request]:
        self.logins += 1
        self.refreshing = False
        if not self.started:
            self.started = True
            yield from self.after_login()
        waiting, self.waiting = self.waiting, []
        yield from waiting

    def on_error(self, failure: Failure) -> Any:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        retry = (
            response is not None
            and request.meta.get("auth")
            and not request.meta.get("relogged")
            and self.is_expired(response)
            and self.logins < self.max_logins
        )
        if not retry:
            return super().on_error(failure)
        self.count("session_renewals")
        self.waiting.append(
            request.replace(meta={**request.meta, "relogged": True}, dont_filter=True)
        )
        if self.refreshing:
            return None
        self.refreshing = True
        return [self.login_request()]
