"""Where data is missing, as opposed to zero: before a film's first collected post, and while
a source was down (its last crawl failed). Charts show these spans apart from days with 0 posts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Gap:
    start: date
    end: date
    label: str


def gaps(
    start: date, end: date, first_post: date | None, sources: Iterable[Mapping[str, Any]]
) -> list[Gap]:
    """The spans of [start, end] without data: before `first_post`, and for each enabled source
    whose last crawl failed, from its last success on (`sources`: `filmbuzz sources` rows)."""
    found = []
    if first_post is None or first_post > start:
        last = min(end, first_post - timedelta(days=1)) if first_post else end
        found.append(Gap(start, last, "no data: before the first collected post"))
    for row in sources:
        if not row.get("enabled") or row.get("status") != "failed":
            continue
        since = _day(row.get("last_success")) or start
        if since <= end:
            label = (
                f"{row['name']} down since {since:%d %b}"
                if row.get("last_success")
                else f"{row['name']} never collected"
            )
            found.append(Gap(max(since, start), end, label))
    return found


def _day(value: object) -> date | None:
    try:
        return datetime.fromisoformat(str(value)).date() if value else None
    except ValueError:
        return None
