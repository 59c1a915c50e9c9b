"""Letterboxd review listing pages (`/film/{slug}/reviews/by/{sort}/page/{n}/`), 12 cards a page.

Long reviews are cut on the card (`div.collapsed-text`) and served whole at
`/s/full-text/viewing:{id}/`; film pages, the rating histogram and members' RSS live in
`crawlers.replay.letterboxd_pages`.
"""

from __future__ import annotations

import re
from html import escape

from crawlers.replay import letterboxd_pages
from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, text_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

PER_PAGE = 12
TRUNCATE_AT = 450  # characters of a review shown on its card before "more"
_FULL_TEXT = re.compile(r"^/s/full-text/viewing:(\d+)/$")
_LISTING = re.compile(r"^/film/([a-z0-9-]+)/reviews/by/([a-z-]+)/(?:page/(\d+)/)?$")
_HTML = "text/html; charset=utf-8"
_SORTS = {
    "added": lambda p: -p.native_id,
    "added-earliest": lambda p: p.native_id,
    "activity": lambda p: (-p.likes, -p.native_id),
    "rating": lambda p: (-(p.rating or 0), -p.native_id),
    "entry-rating": lambda p: (-(p.rating or 0), -p.native_id),
}


def app(snapshot: Snapshot, request: Request) -> Reply:
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL, "text/plain")
    if full := _FULL_TEXT.match(request.path):
        return full_text(snapshot, int(full.group(1)))
    page = letterboxd_pages.app(snapshot, request)
    if page is not None:
        return page
    match = _LISTING.match(request.path)
    if not match or match.group(2) not in _SORTS:
        return text_reply(
            _page_shell("<h1>Sorry, we can’t find the page you’ve requested.</h1>"), _HTML, 404
        )
    slug, sort, number = match.group(1), match.group(2), int(match.group(3) or 1)
    reviews = snapshot.memo(
        ("letterboxd", slug, sort),
        lambda: sorted(
            (p for p in snapshot.of_source("letterboxd") if p.slug == slug), key=_SORTS[sort]
        ),
    )
    if not reviews and slug not in snapshot.catalog.get("letterboxd", {}):
        return text_reply(
            _page_shell("<h1>Sorry, we can’t find the page you’ve requested.</h1>"), _HTML, 404
        )
    pages = max(1, -(-len(reviews) // PER_PAGE))
    chunk = reviews[(number - 1) * PER_PAGE : number * PER_PAGE]
    cards = "".join(card(p) for p in chunk)
    body = f'<div class="viewing-list">{cards}</div>{pagination(slug, sort, number, pages)}'
    return text_reply(_page_shell(body), _HTML)


def full_text(snapshot: Snapshot, viewing: int) -> Reply:
    by_viewing = snapshot.memo(
        ("letterboxd", "viewings"),
        lambda: {p.native_id: p for p in snapshot.of_source("letterboxd")},
    )
    post = by_viewing.get(viewing)
    if post is None:
        return text_reply(
            _page_shell("<h1>Sorry, we can’t find the page you’ve requested.</h1>"), _HTML, 404
        )
    return text_reply(paragraphs(post.text), _HTML)


def paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def card_body(text: str) -> str:
    """The card's paragraphs: the whole review, or its start and a collapsed 'more'."""
    if len(text) <= TRUNCATE_AT:
        return paragraphs(text)
    cut = text[:TRUNCATE_AT].rsplit(" ", 1)[0] + "…"
    more = '<div class="collapsed-text"><p><a class="reveal js-reveal" href="#">more</a></p></div>'
    return paragraphs(cut) + more


def _page_shell(content: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Reviews • Letterboxd</title>'
        '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></head>'
        f'<body class="reviews"><div id="content"><section class="section">{content}</section></div></body></html>'
    )


def rating_label(rating: float | None) -> str:
    return "" if rating is None else letterboxd_pages.glyphs(rating)


def card(post: SnapshotPost) -> str:
    user, viewing = post.author, post.native_id
    label = rating_label(post.rating)
    rating = (
        f'<span class="inline-rating"><svg class="glyph -rating" aria-label="{label}"><title>{label}</title></svg></span>'
        if label
        else ""
    )
    when = post.published.strftime("%Y-%m-%d")
    spoiler = (
        '<p class="js-spoiler-container"><em>This review may contain spoilers.</em> '
        '<a href="#" class="js-reveal-spoiler">I can handle the truth.</a></p>'
        if post.spoiler
        else ""
    )
    hidden = ' hidden data-js-reveal-on-trigger="spoiler.reveal"' if post.spoiler else ""
    body = card_body(post.text)
    return f"""<div class="listitem js-listitem"><article class="production-viewing -viewing js-production-viewing"
 data-object-id="viewing:{viewing}" data-object-name="review" data-owner="{user}" data-person="{user}">
 <a class="avatar -a40" href="/{user}/"><img src="https://a.ltrbxd.com/resized/avatar/x.jpg" alt="{escape(user)}"></a>
 <div class="body"><div class="content-reactions-strip -viewing">{rating}
  <span class="attribution-detail"><a href="/{user}/film/{post.slug}/" class="context">Review by
   <span class="owner"><strong class="displayname">{escape(user)}</strong></span></a></span>
  <span class="date"><time class="timestamp" datetime="{when}">{post.published.strftime("%d %b %Y")}</time></span>
  <a href="/{user}/film/{post.slug}/#comments"><span class="label">{post.replies}</span></a></div>
 <div class="js-review">{spoiler}<div class="body-text -prose -reset js-review-body js-collapsible-text"
   data-full-text-url="/s/full-text/viewing:{viewing}/" lang="{post.lang}"{hidden}>{body}</div>
  <div class="viewing-actions"><div class="review-actions"><p class="like-link-target react-component"
   data-component-class="LikeComponent" data-likeable-uid="viewing:{viewing}" data-likeable-name="review"
   data-format="count" data-count="{post.likes}" data-owner="{user}"></p></div></div></div></div></article></div>"""


def pagination(slug: str, sort: str, number: int, pages: int) -> str:
    base = f"/film/{slug}/reviews/by/{sort}/"
    links = []
    if number > 1:
        previous = base if number == 2 else f"{base}page/{number - 1}/"
        links.append(f'<a class="previous" href="{previous}">Newer</a>')
    if number < pages:
        nextprev = f'<div class="paginate-nextprev">{"".join(links)}<a class="next" href="{base}page/{number + 1}/">Older</a></div>'
    else:
        nextprev = f'<div class="paginate-nextprev paginate-disabled">{"".join(links)}<span class="next">Older</span></div>'
    items = "".join(
        f'<li class="paginate-page{" paginate-current" if n == number else ""}"><a href="{base}page/{n}/">{n}</a></li>'
        for n in range(1, pages + 1)
    )
    return f'<div class="pagination">{nextprev}<div class="paginate-pages"><ul>{items}</ul></div></div>'
