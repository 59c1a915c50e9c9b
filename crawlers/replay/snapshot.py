"""The bundled snapshot: posts written for filmbuzz (not copied from anywhere), daily pageviews,
and a small catalog (Letterboxd film statistics, YouTube trailers, Wikipedia redirects)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(str(files("crawlers.replay") / "snapshot"))


@dataclass(frozen=True, slots=True)
class SnapshotPost:
    """One post as the snapshot stores it, before a source's format is applied."""

    id: str
    source: str
    film: str | None
    lang: str
    author: str
    text: str
    published: datetime
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    title: str | None = None
    rating: float | None = None
    spoiler: bool = False
    native_id: int = 0
    instances: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    slug: str | None = None
    feed: str | None = None
    labels: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None  # snapshot id of the post this one answers (Reddit, YouTube)
    subreddit: str | None = None
    video: str | None = None  # YouTube video id

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SnapshotPost:
        raw = dict(raw)
        raw["published"] = datetime.fromisoformat(raw["published"])
        raw["instances"] = tuple(raw.get("instances", ()))
        raw["tags"] = tuple(raw.get("tags", ()))
        return cls(**raw)


@dataclass(frozen=True, slots=True)
class Pageview:
    project: str
    article: str
    day: str  # YYYYMMDD
    views: int


class Snapshot:
    """Posts and pageviews, optionally cut off at a time (to replay a site that later grows)."""

    def __init__(
        self,
        posts: list[SnapshotPost],
        pageviews: list[Pageview],
        catalog: dict[str, Any] | None = None,
    ) -> None:
        self.posts = sorted(posts, key=lambda p: (p.published, p.id))
        self.pageviews = pageviews
        self.catalog = catalog or {}
        self._by_source: dict[str, list[SnapshotPost]] = {}
        for post in self.posts:
            self._by_source.setdefault(post.source, []).append(post)
        self.by_id = {p.id: p for p in self.posts}
        self._children: dict[str, list[SnapshotPost]] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}
        for post in self.posts:
            if post.parent:
                self._children.setdefault(post.parent, []).append(post)

    @classmethod
    def load(cls, folder: Path = SNAPSHOT_DIR) -> Snapshot:
        posts = [SnapshotPost.from_json(r) for r in _read_jsonl(folder / "posts.jsonl")]
        views = [Pageview(**r) for r in _read_jsonl(folder / "pageviews.jsonl")]
        catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        return cls(posts, views, catalog)

    def until(self, cutoff: datetime | None) -> Snapshot:
        if cutoff is None:
            return self
        return Snapshot(
            [p for p in self.posts if p.published < cutoff],
            [v for v in self.pageviews if v.day < cutoff.strftime("%Y%m%d")],
            self.catalog,
        )

    def of_source(self, source: str) -> list[SnapshotPost]:
        return list(self._by_source.get(source, []))

    def memo(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """A value derived from the snapshot, built once (the snapshot never changes)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def children(self, parent: str) -> list[SnapshotPost]:
        """The direct answers to a post, oldest first."""
        return list(self._children.get(parent, []))


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
