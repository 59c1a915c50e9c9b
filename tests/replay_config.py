"""Configs for crawls of every source against the replay site, and what each should collect."""

from __future__ import annotations

import re
from pathlib import Path

from crawlers.replay import feeds, ids
from crawlers.replay.accounts import enable_all_sources
from crawlers.replay.bluesky import at_uri
from crawlers.replay.matching import matches
from crawlers.replay.snapshot import Snapshot, SnapshotPost
from crawlers.text import TitleMatcher, or_query, search_terms
from pipeline.config import Config, load_config
from tests.conftest import EXAMPLE

SNAPSHOT = Snapshot.load()
SOURCES = ("mastodon", "letterboxd", "wikipedia", "feeds", "bluesky", "reddit", "youtube", "x")


def with_options(text: str, options: dict[str, str]) -> str:
    """Add `key = value` lines at the top of `[sources.<name>]` sections."""
    for name, lines in options.items():
        header = re.compile(rf"(?m)^(\[sources\.{name}\][^\n]*\n)")
        text = header.sub(lambda m, extra=lines: m.group(1) + extra + "\n", text)
    return text


def all_sources_config(
    folder: Path, options: dict[str, str] | None = None, films: str = ""
) -> Config:
    """The example config with every source on, small pages (so paging is exercised), options."""
    folder.mkdir(parents=True, exist_ok=True)
    small = {name: "page_size = 10" for name in ("bluesky", "youtube", "x", "mastodon")}
    small["reddit"] = "page_size = 3"
    text = enable_all_sources(EXAMPLE.read_text(encoding="utf-8")) + films
    text = with_options(
        text,
        {
            k: "\n".join(filter(None, [small.get(k, ""), (options or {}).get(k, "")]))
            for k in SOURCES
        },
    )
    target = folder / "filmbuzz.toml"
    target.write_text(text, encoding="utf-8")
    return load_config(target)


def _film_posts(
    config: Config, source: str, film_of: dict[str, str]
) -> list[tuple[str, SnapshotPost]]:
    return [(film_of[p.id], p) for p in SNAPSHOT.of_source(source) if p.id in film_of]


def expected_ids(config: Config) -> dict[str, set[str]]:
    """Source ids each source should collect from the whole snapshot with this config."""
    tags = {t.lower() for f in config.films for t in f.hashtags}
    slugs = {f.ids.letterboxd for f in config.films}
    videos = {v for f in config.films for v in f.ids.youtube}
    matcher = TitleMatcher(config.films)
    terms = [f'"{t}"' for f in config.films for t in search_terms(f)]
    queries = [or_query(f) for f in config.films]
    threads = {
        p.id
        for p in SNAPSHOT.of_source("reddit")
        if not p.parent and any(matches(q, p.title or "", p.text) for q in queries)
    }
    by_id = SNAPSHOT.by_id

    def thread_of(post: SnapshotPost) -> str:
        while post.parent:
            post = by_id[post.parent]
        return post.id

    def youtube_id(post: SnapshotPost) -> str:
        parent = by_id[post.parent] if post.parent else None
        return ids.youtube_comment_id(post, parent)

    return {
        "mastodon": {
            f"https://{p.instances[0]}/users/{p.author}/statuses/{p.native_id}"
            for p in SNAPSHOT.of_source("mastodon")
            if tags & set(p.tags)
        },
        "letterboxd": {
            f"viewing:{p.native_id}" for p in SNAPSHOT.of_source("letterboxd") if p.slug in slugs
        },
        "feeds": {
            feeds.entry_id(p)
            for p in SNAPSHOT.of_source("feeds")
            if p.feed and matcher.films_in(f"{p.title} {p.text}")
        },
        "bluesky": {
            at_uri(p)
            for p in SNAPSHOT.of_source("bluesky")
            if any(matches(t, p.text) for t in terms)
        },
        "reddit": {
            ids.reddit_fullname(p) for p in SNAPSHOT.of_source("reddit") if thread_of(p) in threads
        },
        "youtube": {youtube_id(p) for p in SNAPSHOT.of_source("youtube") if p.video in videos},
        "x": {
            str(p.native_id)
            for p in SNAPSHOT.of_source("x")
            if any(matches(q, p.text) for q in queries)
        },
    }
