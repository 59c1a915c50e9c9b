"""`filmbuzz sources`: per source, enabled or not, credentials present, and its last run.

Each crawl (and `filmbuzz listen`) records its outcome per source in `state/sources.json`,
written atomically; this module reads it back next to the config and the environment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawlers import credentials
from pipeline.config import Config

STATUS_FILE = "sources.json"


@dataclass(frozen=True)
class SourceStatus:
    name: str
    enabled: bool
    credentials: str  # "not needed", "present" or "missing: VAR, VAR"
    last_run: str | None
    last_success: str | None  # the last run that ended with no error
    status: str  # ok, errors, failed, skipped, never
    posts: int
    signals: int
    errors: int
    message: str
    quarantined: int = 0  # records of this source in lake/quarantine, all runs


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, TypeError):
        return {}


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _status(stats: Mapping[str, Any]) -> str:
    if not stats.get("errors"):
        return "ok"
    return "errors" if stats.get("posts") or stats.get("signals") else "failed"


def record_runs(
    state: Path,
    sources: Mapping[str, Mapping[str, Any]],
    skipped: Mapping[str, str],
    error_lines: Iterable[str] = (),
) -> None:
    """Merge this run's outcome per source into `state/sources.json`."""
    state.mkdir(parents=True, exist_ok=True)
    path = state / STATUS_FILE
    data = _read(path)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = list(error_lines)
    for name, stats in sources.items():
        first = next((line for line in lines if line.startswith(f"{name}:")), "")
        status = _status(stats)
        previous = data.get(name, {}).get("last_success")
        data[name] = {
            "last_run": now,
            "last_success": now if status == "ok" else previous,
            "status": status,
            "posts": int(stats.get("posts", 0)),
            "signals": int(stats.get("signals", 0)),
            "errors": int(stats.get("errors", 0)),
            "message": first,
        }
    for name, message in skipped.items():
        previous = data.get(name, {}).get("last_success")
        data[name] = {"last_run": now, "last_success": previous, "status": "skipped"}
        data[name] |= {"posts": 0, "signals": 0}
        data[name] |= {"errors": 0, "message": message}
    _write(path, data)


def _credentials(name: str, env: Mapping[str, str]) -> str:
    if not credentials.required(name):
        return "not needed"
    absent = credentials.missing(name, env)
    return f"missing: {', '.join(absent)}" if absent else "present"


def source_statuses(config: Config, env: Mapping[str, str] | None = None) -> list[SourceStatus]:
    """One row per configured source (and per extra recorded run, such as the Jetstream listener)."""
    from pipeline import quarantine
    from pipeline.lake import Lake

    env = os.environ if env is None else env
    runs = _read(config.data_dir / "state" / STATUS_FILE)
    held = quarantine.per_source(Lake(config.data_dir / "lake"))
    names = list(type(config.sources).model_fields)
    names += sorted(n for n in runs if n not in names)
    rows = []
    for name in names:
        run = dict(runs.get(name, {}))
        source = getattr(config.sources, name, None)
        absent = credentials.missing(name, env)
        if absent and run.get("status") not in (None, "skipped"):
            # its last run had keys this environment lacks (the demo's): the next one is skipped
            run["status"] = "skipped"
            run["message"] = credentials.skip_message(name, absent)
        rows.append(
            SourceStatus(
                name=name,
                enabled=bool(source.enabled) if source is not None else True,
                credentials=_credentials(name, env),
                last_run=run.get("last_run"),
                last_success=run.get("last_success"),
                status=run.get("status", "never"),
                posts=int(run.get("posts", 0)),
                signals=int(run.get("signals", 0)),
                errors=int(run.get("errors", 0)),
                message=str(run.get("message", "")),
                quarantined=held.get(name, 0),
            )
        )
    return rows
