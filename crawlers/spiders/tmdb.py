"""TMDB (API v3): each film's release dates per country and type, and its where-to-watch offers
per country (TMDB's data from JustWatch), as dated Signals for `pipeline.availability`.

A film is found by `[films.ids] tmdb`, or else by title and year (`/3/search/movie`). The key
comes from the environment only: a v4 read access token (`FILMBUZZ_TMDB_READ_TOKEN`, sent as
`Authorization: Bearer`) is preferred; a v3 key (`FILMBUZZ_TMDB_API_KEY`) goes in the
`api_key` query parameter, as TMDB requires (log lines mask it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.bases.json_api import API_SETTINGS, JsonApiSpider
from nlp.folding import fold
from pipeline.availability import OFFER_KINDS
from pipeline.config import Film
from pipeline.records import Signal

API = "https://api.themoviedb.org/3"


def best_match(results: list[dict[str, Any]], film: Film) -> dict[str, Any] | None:
    """The search result that is this film: released in its year (or the year around it,
    as festival and release years differ), its title or original title first."""
    names = {fold(n) for n in [film.title, *film.titles]}

    def year(result: dict[str, Any]) -> int:
        text = str(result.get("release_date") or "")[:4]
        return int(text) if text.isdigit() else 0

    near = [r for r in results if abs(year(r) - film.year) <= 1]
    named = [
        r for r in near if {fold(str(r.get(k, ""))) for k in ("title", "original_title")} & names
    ]
    ranked = sorted(
        named or near, key=lambda r: (abs(year(r) - film.year), -float(r.get("popularity") or 0))
    )
    return ranked[0] if ranked else None


def release_day(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


class TmdbSpider(JsonApiSpider):
    name = "tmdb"
    custom_settings = API_SETTINGS

    def api(
        self, path: str, callback: Any, params: dict[str, str] | None = None, **meta: Any
    ) -> scrapy.Request:
        query = dict(params or {})
        if "FILMBUZZ_TMDB_READ_TOKEN" not in self.secrets:
            query["api_key"] = self.secrets["FILMBUZZ_TMDB_API_KEY"]
        url = f"{API}{path}" + (f"?{urlencode(query)}" if query else "")
        return self.request(self.url(url), callback, auth=True, **meta)

    def authorization(self) -> tuple[str, str] | None:
        token = self.secrets.get("FILMBUZZ_TMDB_READ_TOKEN")
        return ("Authorization", f"Bearer {token}") if token else None

    def first_requests(self) -> Iterable[scrapy.Request]:
        for film in self.films:
            if film.ids.tmdb:
                yield from self.movie_requests(film.slug, film.ids.tmdb)
                continue
            language = self.options.language  # type: ignore[attr-defined]
            params = {"query": film.title, "year": str(film.year), "language": language}
            yield self.api("/search/movie", self.parse_search, params, film=film.slug)

    def movie_requests(self, film: str, movie: int) -> Iterable[scrapy.Request]:
        yield self.api(f"/movie/{movie}/release_dates", self.parse_releases, film=film, movie=movie)
        yield self.api(f"/movie/{movie}/watch/providers", self.parse_offers, film=film, movie=movie)

    def parse_search(self, response: Response) -> Iterable[scrapy.Request]:
        data = self.json_of(response)
        film = next(f for f in self.films if f.slug == response.meta["film"])
        found = (
            best_match((data or {}).get("results") or [], film) if isinstance(data, dict) else None
        )
        if found is None:
            if data is not None:
                self.count("errors")
                self.count("errors/not_found")
                self.report(
                    f"search|{film.slug}",
                    "tmdb: no TMDB movie matches %r (%s); set [films.ids] tmdb for %s",
                    film.title,
                    film.year,
                    film.slug,
                )
            return
        self.count("resolved_by_search")
        yield from self.movie_requests(film.slug, int(found["id"]))

    def parse_releases(self, response: Response) -> Iterable[Signal]:
        data = self.json_of(response)
        film, movie = response.meta["film"], response.meta["movie"]
        if not isinstance(data, dict):
            return
        yield Signal(film, "tmdb", "tmdb_id", datetime.now(UTC).date(), float(movie))
        for country in data.get("results") or []:
            code = str(country.get("iso_3166_1") or "")
            for release in country.get("release_dates") or []:
                day = release_day(str(release.get("release_date") or ""))
                kind = int(release.get("type") or 0)
                if day is None or not code or not 1 <= kind <= 6:
                    self.count("invalid/release")
                    continue
                yield Signal(film, "tmdb", "release", day, float(kind), f"{code}|{kind}")

    def parse_offers(self, response: Response) -> Iterable[Signal]:
        data = self.json_of(response)
        if not isinstance(data, dict):
            return
        film, today = response.meta["film"], datetime.now(UTC).date()
        countries = data.get("results") or {}
        yield Signal(film, "tmdb", "offers_checked", today, float(len(countries)))
        for code, offers in countries.items():
            for kind in OFFER_KINDS:
                for provider in offers.get(kind) or []:
                    name = str(provider.get("provider_name") or "").replace("|", "/")
                    key = f"{code}|{kind}|{name}"
                    yield Signal(
                        film, "tmdb", "offer", today, float(provider.get("provider_id") or 0), key
                    )

    def hint_for(self, response: Response) -> str:
        if response.status == 401:
            return (
                " — TMDB rejected the key: check FILMBUZZ_TMDB_READ_TOKEN (the API read access "
                "token) or FILMBUZZ_TMDB_API_KEY (the v3 API key)"
            )
        if response.status == 404:
            return " — no such TMDB movie; check [films.ids] tmdb"
        if response.status == 429:
            return " — rate limited by TMDB; the crawl slows down and retries"
        return ""
