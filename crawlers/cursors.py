"""Per source × film × query cursors (newest id or time seen), saved atomically as JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path


class CursorStore:
    """Cursors are read when a spider starts and saved only after its items reached the lake,
    so a killed crawl re-fetches rather than skips."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.values: dict[str, str] = self._load()
        self.pending: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}
        except (ValueError, TypeError):
            # A corrupt cursor file only costs a full re-fetch; the lake dedupes.
            return {}

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def propose(self, key: str, value: str) -> None:
        self.pending[key] = value

    def commit(self) -> None:
        if not self.pending:
            return
        merged = {**self._load(), **self.pending}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(merged, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
        self.values = merged
        self.pending = {}


def cursor_key(*parts: str) -> str:
    return "|".join(parts)
