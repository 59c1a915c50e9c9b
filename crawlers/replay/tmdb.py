"""TMDB API v3 as api.themoviedb.org answers it: movie search, release dates per country and
type, and where-to-watch offers per country (data TMDB takes from JustWatch).

Auth as on the real API: a v3 key in the `api_key` query parameter, or a v4 read access token
as `Authorization: Bearer`; anything else is 401 with TMDB's `status_code` 7. An unknown movie
is 404 with `status_code` 34. Every answer carries no rate-limit headers (TMDB has none now; it
answers 429 past ~50 requests a second).
"""

from __future__ import annotations

import re
from typing import Any

from crawlers.replay.reply import Reply, Request, json_reply
from crawlers.replay.snapshot import Snapshot
from nlp.folding import fold

INVALID_KEY = {
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
    "success": False,
}
NOT_FOUND = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}
_MOVIE = re.compile(r"^/3/movie/(\d+)/(release_dates|watch/providers)$")


def app(snapshot: Snapshot, keys: tuple[str, str], request: Request) -> Reply:
    """`keys`: the v3 API key and the v4 read token the replayed service accepts."""
    api_key, read_token = keys
    if request.arg("api_key") != api_key and request.bearer() != read_token:
        return json_reply(INVALID_KEY, status=401)
    movies: dict[str, Any] = snapshot.catalog.get("tmdb", {})
    if request.path == "/3/search/movie":
        return json_reply(search(movies, request))
    match = _MOVIE.match(request.path)
    if not match or match.group(1) not in movies:
        return json_reply(NOT_FOUND, status=404)
    movie_id, part = int(match.group(1)), match.group(2)
    movie = movies[match.group(1)]
    if part == "release_dates":
        return json_reply({"id": movie_id, "results": release_dates(movie)})
    return json_reply({"id": movie_id, "results": watch_providers(movie_id, movie)})


def _result(movie_id: str, movie: dict[str, Any]) -> dict[str, Any]:
    return {
        "adult": False, "backdrop_path": f"/b{movie_id}.jpg", "genre_ids": [18],
        "id": int(movie_id), "original_language": movie["original_language"],
        "original_title": movie["original_title"], "overview": movie["overview"],
        "popularity": round(len(movie["releases"]) * 3.7 + 1.2, 3),
        "poster_path": f"/p{movie_id}.jpg", "release_date": movie["release_date"],
        "title": movie["title"], "video": False, "vote_average": 7.1, "vote_count": 412,
    }  # fmt: skip


def search(movies: dict[str, Any], request: Request) -> dict[str, Any]:
    """`query` matched on title or original title; `year` (or `primary_release_year`) filters."""
    query = fold(request.arg("query") or "").strip()
    year = request.arg("year") or request.arg("primary_release_year")
    found = [
        _result(movie_id, movie)
        for movie_id, movie in movies.items()
        if query
        and query in (fold(movie["title"]), fold(movie["original_title"]))
        and (not year or movie["release_date"].startswith(year))
    ]
    found.sort(key=lambda r: -r["popularity"])
    return {"page": 1, "results": found, "total_pages": 1, "total_results": len(found)}


def release_dates(movie: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "iso_3166_1": country,
            "release_dates": [
                {
                    "certification": r["certification"],
                    "descriptors": [],
                    "iso_639_1": "",
                    "note": r["note"],
                    "release_date": r["date"],
                    "type": r["type"],
                }
                for r in releases
            ],
        }
        for country, releases in movie["releases"].items()
    ]


def watch_providers(movie_id: int, movie: dict[str, Any]) -> dict[str, Any]:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(movie["title"])).strip("-")
    results: dict[str, Any] = {}
    for country, offers in movie["providers"].items():
        link = f"https://www.themoviedb.org/movie/{movie_id}-{slug}/watch?locale={country}"
        entry: dict[str, Any] = {"link": link}
        for kind, providers in offers.items():
            entry[kind] = [{**p, "display_priority": i} for i, p in enumerate(providers)]
        results[country] = entry
    return results
