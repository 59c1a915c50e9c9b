"""Small text helpers shared by spiders: HTML to plain text, Link headers, film title matching."""

from __future__ import annotations

import re
from collections.abc import Iterable

from w3lib.html import remove_tags, replace_entities

from nlp.boundaries import bounded
from nlp.folding import fold, squash
from pipeline.config import Film

_BREAKS = re.compile(r"<\s*br\s*/?\s*>|</\s*p\s*>|</\s*div\s*>|</\s*li\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([^";]+)"?')


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, paragraphs kept."""
    text = replace_entities(remove_tags(_BREAKS.sub("\n", html or "")))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def link_header(value: str | None) -> dict[str, str]:
    """`<url>; rel="next", <url>; rel="prev"` -> {"next": url, "prev": url}."""
    return {rel: url for url, rel in _LINK.findall(value or "")}


class TitleMatcher:
    """Finds which tracked films a text names (titles, other titles, aliases), case- and accent-folded;
    a Japanese or Chinese title matches inside running text (no spaces there).

    A cheap first filter for sources that are not about one film (news feeds); the NLP
    decides later whether a generic title really means the film.
    """

    def __init__(self, films: Iterable[Film]) -> None:
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for film in films:
            names = {fold(n) for n in [film.title, *film.titles, *film.aliases] if n}
            names |= {squash(n) for n in names if n.startswith("#")}
            names = {n.lstrip("#") for n in names if n.strip("#")}
            alternatives = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
            self.patterns.append((film.slug, re.compile(bounded(alternatives))))

    def films_in(self, text: str) -> list[str]:
        folded = fold(text)
        return [slug for slug, pattern in self.patterns if pattern.search(folded)]


def search_terms(film: Film) -> list[str]:
    """The names a search engine should be asked for: the title and other titles, once each."""
    seen: set[str] = set()
    terms = []
    for name in [film.title, *film.titles]:
        key = fold(name.strip())
        if key and key not in seen:
            seen.add(key)
            terms.append(name.strip())
    return terms


def or_query(film: Film, hashtags: bool = True) -> str:
    """`"Title" OR "Other title" OR #Tag` for engines that take boolean queries."""
    parts = [f'"{term}"' for term in search_terms(film)]
    if hashtags:
        parts += [f"#{tag}" for tag in film.hashtags]
    return " OR ".join(parts)
