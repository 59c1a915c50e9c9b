"""The run log: JSON Lines in `<data>/logs/runs.jsonl`, one event per line.

Events: `start` and `end` of a run (same `run_id`), `alert`, `missed` (a scheduled job that
missed its time). Each line is written with one `write` on a file opened in append mode, so
concurrent writers never interleave and a killed writer leaves at most one cut last line,
which readers skip.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RUN_LOG = Path("logs") / "runs.jsonl"


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / RUN_LOG


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def append(data_dir: Path, event: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Append one event line; returns the record written."""
    record = {"event": event, "at": now_iso(), **fields}
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return record


def events(data_dir: Path, kind: str | None = None) -> Iterator[dict[str, Any]]:
    """Every well-formed event, oldest first (a cut or foreign line is skipped)."""
    path = log_path(data_dir)
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and (kind is None or record.get("event") == kind):
                yield record
