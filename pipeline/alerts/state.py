"""What has fired, and deliveries still owed: `<data>/state/alerts.json`, written atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.alerts.checks import Alert
from pipeline.jobs.runlog import now_iso

STATE_FILE = Path("state") / "alerts.json"


class AlertState:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / STATE_FILE
        data = self._read()
        self.fired: dict[str, str] = dict(data.get("fired", {}))
        self.pending: dict[str, list[dict[str, Any]]] = dict(data.get("pending", {}))

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def new(self, alerts: Iterable[Alert]) -> list[Alert]:
        """The alerts whose key never fired (and each key once)."""
        seen = set(self.fired)
        fresh = []
        for alert in alerts:
            if alert.key not in seen:
                seen.add(alert.key)
                fresh.append(alert)
        return fresh

    def mark_fired(self, alerts: Iterable[Alert]) -> None:
        when = now_iso()
        self.fired.update({a.key: when for a in alerts})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        data = {"fired": self.fired, "pending": {k: v for k, v in self.pending.items() if v}}
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
