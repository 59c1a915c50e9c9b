"""Letterboxd film pages, the client-side includes that fill them and members' RSS feeds.

As on the real site, the film page holds only an empty placeholder for its statistics: the
browser fills it from `/csi/film/{slug}/stats/` (watches, lists, likes). The ratings come from
`/csi/film/{slug}/ratings-summary/` (the 2026 table layout) or the older
`/csi/film/{slug}/rating-histogram/` (a list of bars); both label the lowest bar `half-★`.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Any

from crawlers.replay.reply import Reply, Request, text_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

_HTML = "text/html; charset=utf-8"
_FILM = re.compile(r"^/film/([a-z0-9-]+)/$")
_CSI = re.compile(r"^/csi/film/([a-z0-9-]+)/(stats|ratings-summary|rating-histogram)/$")
_RSS = re.compile(r"^/([a-z0-9_]+)/rss/$")
NZ = timezone(timedelta(hours=12))  # Letterboxd dates its RSS in New Zealand time


def app(snapshot: Snapshot, request: Request) -> Reply | None:
    """A reply for the paths this module serves, None for the others."""
    films: dict[str, Any] = snapshot.catalog.get("letterboxd", {})
    if (match := _FILM.match(request.path)) and match.group(1) in films:
        return text_reply(film_page(match.group(1), films[match.group(1)]), _HTML)
    if (match := _CSI.match(request.path)) and match.group(1) in films:
        slug, part = match.groups()
        fragment = {
            "stats": stats,
            "ratings-summary": ratings_summary,
            "rating-histogram": histogram,
        }
        return text_reply(fragment[part](slug, films[slug]), _HTML)
    if match := _RSS.match(request.path):
        reviews = [p for p in snapshot.of_source("letterboxd") if p.author == match.group(1)]
        if reviews:
            return text_reply(rss(match.group(1), reviews, films), "application/xml; charset=utf-8")
    return None


def _count(number: int) -> str:
    return f"{number:,}"


def _short(number: int) -> str:
    return f"{number / 1000:.1f}K".replace(".0K", "K") if number >= 1000 else str(number)


def film_page(slug: str, film: dict[str, Any]) -> str:
    ld = {
        "@context": "http://schema.org", "@type": "Movie", "name": film["title"],
        "director": [{"@type": "Person", "name": "Someone"}], "genre": ["Drama"],
        "aggregateRating": {"@type": "aggregateRating", "ratingValue": film["average"],
                            "ratingCount": sum(film["histogram"]), "reviewCount": film["watches"] // 9},
    }  # fmt: skip
    identifier = json.dumps({"lid": "x", "uid": f"film:{film['tmdb']}", "type": "film"})
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta property="og:type" content="video.movie"><meta property="og:title" content="{escape(film["title"])} ({film["year"]})">
<meta name="twitter:data2" content="{film["average"]:.2f} out of 5">
<meta name="production:identifier" content='{identifier}'>
<script type="application/ld+json">/* <![CDATA[ */{json.dumps(ld)}/* ]]> */</script>
<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></head>
<body class="film backdropped" data-type="film" data-tmdb-id="{film["tmdb"]}" data-tmdb-type="movie">
<section class="production-masthead"><h1 class="headline-1"><span class="name">{escape(film["title"])}</span></h1>
<div class="releasedate"><a href="/films/year/{film["year"]}/">{film["year"]}</a></div></section>
<div class="production-statistic-list js-csi" data-src="/csi/film/{slug}/stats/"></div>
<section class="section ratings-histogram-chart js-csi" data-src="/csi/film/{slug}/ratings-summary/"></section>
</body></html>"""


_STATISTICS = (
    ("watches", "Watched by", "members", "members/"),
    ("lists", "Appears in", "lists", "lists/by/popular/"),
    ("likes", "Liked by", "members", "likes/"),
)


def stats(slug: str, film: dict[str, Any]) -> str:
    """The statistics include: exact counts in `aria-label` (with `&nbsp;`), rounded on screen."""
    items = "".join(
        f'<div class="production-statistic -{kind}" aria-label="{label} {_count(film[kind])}&nbsp;{unit}">'
        f' <a class="tooltip" href="/film/{slug}/{path}" title="{label} {_count(film[kind])}&nbsp;{unit}"'
        f' data-html="true"><svg class="glyph" role="presentation"></svg>'
        f' <span class="label">{_short(film[kind])}</span> </a> </div>'
        for kind, label, unit, path in _STATISTICS
    )
    name = f"{escape(film['title'])} ({film['year']})"
    return f'<body><div class="production-statistic-list" aria-label="Statistics for {name}">{items}</div></body>'


def _bar_title(count: int, value: float, total: int) -> str:
    """'1,578&nbsp;★ ratings (1%)', '1&nbsp;half-★ rating (4%)' or 'No ★½ ratings'."""
    label = _stars(value)
    if not count:
        return f"No {label} ratings"
    noun = "rating" if count == 1 else "ratings"
    return f"{_count(count)}&nbsp;{label} {noun} ({round(100 * count / total)}%)"


def _heading(slug: str, film: dict[str, Any], total: int) -> str:
    average = (
        f'<span class="average-rating"><a href="/film/{slug}/ratings/" class="tooltip display-rating"'
        f' title="Weighted average of {film["average"]:.2f} based on {_count(total)}&nbsp;ratings">'
        f"{film['average']:.1f}</a></span>"
        if total >= 10  # Letterboxd shows no average for a film with few ratings
        else ""
    )
    return (
        f'<h2 class="section-heading"><a href="/film/{slug}/ratings/">Ratings</a></h2>'
        f'<a href="/film/{slug}/fans/" class="all-link more-link">{_short(film["fans"])} fans</a>{average}'
    )


def ratings_summary(slug: str, film: dict[str, Any]) -> str:
    """The ratings include in its table layout: one row per half star; an empty bucket is a
    `span` (not a link) titled 'No … ratings'."""
    counts: list[int] = film["histogram"]
    total = sum(counts)
    rows = []
    for i, n in enumerate(counts):
        value = (i + 1) / 2
        title, share = _bar_title(n, value, total), n / total if total else 0.0
        tag, href = (
            ("a", f' href="/film/{slug}/ratings/rated/{_rated(value)}/by/rating/"')
            if n
            else ("span", "")
        )
        rows.append(
            f'<tr class="column" style="--value: {share:.4f};"><th class="_sr-only" scope="row">{_stars(value)}</th>'
            f'<td class="cell"><{tag} class="barcolumn tooltip"{href} title="{title}">'
            f'<span class="_sr-only">{_short(n)} ({round(100 * share)}%)</span>'
            f'<span class="bar"><span class="fill"></span></span></{tag}></td></tr>'
        )
    return (
        f'<body><section class="section ratings-histogram-chart">{_heading(slug, film, total)}'
        f'<div class="rating-histogram"><table class="chart"><tbody>{"".join(rows)}</tbody></table></div>'
        "</section></body>"
    )


def _rated(value: float) -> str:
    return f"{int(value) or ''}%C2%BD" if value % 1 else str(int(value))


def histogram(slug: str, film: dict[str, Any]) -> str:
    """The older rating-histogram include: a list of bars, the label in each link's `title`."""
    counts: list[int] = film["histogram"]
    total = sum(counts)
    bars = "".join(
        f'<li class="rating-histogram-bar" style="width: 15px; left: {i * 16}px">'
        f'<a href="/film/{slug}/ratings/rated/{_rated((i + 1) / 2)}/by/rating/" class="ir tooltip" '
        f'title="{_bar_title(n, (i + 1) / 2, total)}">{_bar_title(n, (i + 1) / 2, total)}</a></li>'
        for i, n in enumerate(counts)
    )
    return f"""<body><section class="section ratings-histogram-chart">{_heading(slug, film, total)}
<div class="rating-histogram clear rating-histogram-exploded"><ul>{bars}</ul></div></section></body>"""


def _stars(value: float) -> str:
    """Letterboxd's bar labels: 'half-★' for the lowest, then '★', '★½' … '★★★★★'."""
    return "half-★" if value == 0.5 else glyphs(value)


def glyphs(value: float) -> str:
    """A member's rating as review cards and RSS titles show it: '★★★½', '½'."""
    return "★" * int(value) + ("½" if value % 1 else "")


def rss(user: str, reviews: list[SnapshotPost], films: dict[str, Any]) -> str:
    newest = sorted(reviews, key=lambda p: p.published, reverse=True)[:50]
    items = [_item(user, p, films.get(p.slug or "", {})) for p in newest]
    if newest:  # members' feeds also list their lists: the spider skips those
        when = format_datetime(newest[0].published.astimezone(NZ))
        items.insert(
            1,
            f"""<item><title>Films that haunted me</title><link>https://letterboxd.com/{user}/list/films-that-haunted-me/</link>
<guid isPermaLink="false">letterboxd-list-{newest[0].native_id + 1}</guid><pubDate>{when}</pubDate>
<description><![CDATA[<p>A list of films.</p>]]></description><dc:creator>{user}</dc:creator></item>""",
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:letterboxd="https://letterboxd.com" xmlns:tmdb="https://themoviedb.org"><channel>
<title>Letterboxd - {user}</title><link>https://letterboxd.com/{user}/</link><description>Letterboxd - {user}</description>
{"".join(items)}</channel></rss>"""


def _item(user: str, post: SnapshotPost, film: dict[str, Any]) -> str:
    stars = f" - {glyphs(post.rating)}" if post.rating else ""
    rating = (
        f"<letterboxd:memberRating>{post.rating:.1f}</letterboxd:memberRating>"
        if post.rating
        else ""
    )
    spoiler = "<p><em>This review may contain spoilers.</em></p>" if post.spoiler else ""
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in post.text.split("\n\n") if p.strip())
    title = film.get("title", post.slug or "")
    return f"""<item><title>{escape(title)}, {film.get("year", 2023)}{stars}</title>
<link>https://letterboxd.com/{user}/film/{post.slug}/</link>
<guid isPermaLink="false">letterboxd-review-{post.native_id}</guid><pubDate>{format_datetime(post.published.astimezone(NZ))}</pubDate>
<letterboxd:watchedDate>{post.published.date().isoformat()}</letterboxd:watchedDate><letterboxd:rewatch>No</letterboxd:rewatch>
<letterboxd:filmTitle>{escape(title)}</letterboxd:filmTitle><letterboxd:filmYear>{film.get("year", 2023)}</letterboxd:filmYear>
{rating}<letterboxd:memberLike>No</letterboxd:memberLike><tmdb:movieId>{film.get("tmdb", 0)}</tmdb:movieId>
<description><![CDATA[ <p><img src="https://a.ltrbxd.com/resized/film-poster/x.jpg"/></p> {spoiler}{paragraphs} ]]></description>
<dc:creator>{escape(user)}</dc:creator></item>"""
