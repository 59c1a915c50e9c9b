"""`filmbuzz status`: recent runs from the run log, and whether one is going on now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.jobs import runlog
from pipeline.jobs.lock import is_locked, read_holder


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    started: str
    ended: str | None
    status: str  # ok, partial, failed, interrupted, running, killed
    seconds: float | None
    posts: int
    signals: int
    enriched: int
    indexed: int
    errors: int
    first_error: str
    quarantined: int = 0


def recent_runs(data_dir: Path, limit: int = 10) -> list[RunSummary]:
    """The last `limit` runs, newest first. A run with a start but no end is `running` if it
    still holds the lock, else `killed` (the next run repaired what it left)."""
    starts: dict[str, dict[str, Any]] = {}
    ends: dict[str, dict[str, Any]] = {}
    for event in runlog.events(data_dir):
        target = {"start": starts, "end": ends}.get(str(event.get("event")))
        if target is not None and event.get("run_id"):
            target[str(event["run_id"])] = event
    holder = read_holder(data_dir) if is_locked(data_dir) else {}
    order = list(reversed(starts))[:limit]  # the log is in time order
    return [_summary(starts[r], ends.get(r), holder) for r in order]


def _summary(
    start: dict[str, Any], end: dict[str, Any] | None, holder: dict[str, Any]
) -> RunSummary:
    end = end or {}
    sources = end.get("sources") or {}
    errors = list(end.get("errors") or [])
    status = str(end.get("status") or "")
    if not status:
        status = "running" if holder.get("pid") == start.get("pid") else "killed"
    return RunSummary(
        run_id=str(start["run_id"]),
        started=str(start["at"]),
        ended=end.get("at"),
        status=status,
        seconds=_seconds(start["at"], end.get("at")),
        posts=sum(int(s.get("posts", 0)) for s in sources.values()),
        signals=sum(int(s.get("signals", 0)) for s in sources.values()),
        enriched=int(end.get("enriched", 0)),
        indexed=int((end.get("indexed") or {}).get("posts", 0)),
        errors=len(errors),
        first_error=errors[0] if errors else "",
        quarantined=int(end.get("quarantined", 0)),
    )


def _seconds(start: str, end: str | None) -> float | None:
    if not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
