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
        self.held: set[str] = set()

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

    def with_prefix(self, *parts: str) -> dict[str, str]:
        """Saved cursors whose key starts with these parts (e.g. every watched thread of a film)."""
        prefix = cursor_key(*parts) + "|"
        return {k.removeprefix(prefix): v for k, v in self.values.items() if k.startswith(prefix)}

    def propose(self, key: str, value: str) -> None:
        if key not in self.held:
            self.pending[key] = value

    def hold(self, key: str) -> None:
        """Keep `key` at its saved value for this run, whatever is proposed later."""
        self.held.add(key)
        self.pending.pop(key, None)

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
