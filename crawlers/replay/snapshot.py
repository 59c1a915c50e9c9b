"""The bundled snapshot: posts written for filmbuzz (not copied from anywhere) and daily pageviews."""

from __future__ import annotations

import json
from collections.abc import Iterator
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

    def __init__(self, posts: list[SnapshotPost], pageviews: list[Pageview]) -> None:
        self.posts = sorted(posts, key=lambda p: (p.published, p.id))
        self.pageviews = pageviews

    @classmethod
    def load(cls, folder: Path = SNAPSHOT_DIR) -> Snapshot:
        posts = [SnapshotPost.from_json(r) for r in _read_jsonl(folder / "posts.jsonl")]
        views = [Pageview(**r) for r in _read_jsonl(folder / "pageviews.jsonl")]
        return cls(posts, views)

    def until(self, cutoff: datetime | None) -> Snapshot:
        if cutoff is None:
            return self
        return Snapshot(
            [p for p in self.posts if p.published < cutoff],
            [v for v in self.pageviews if v.day < cutoff.strftime("%Y%m%d")],
        )

    def of_source(self, source: str) -> list[SnapshotPost]:
        return [p for p in self.posts if p.source == source]


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
