"""JSON serialisation for components whose only state is data (catalogues, genre maps)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self


class JsonState:
    """Mixin: implement `state()` and `load_state()`; get spaCy's bytes and disk round trips."""

    state_file = "state.json"

    def state(self) -> Any:
        raise NotImplementedError

    def load_state(self, state: Any) -> None:
        raise NotImplementedError

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return json.dumps(self.state(), ensure_ascii=False, sort_keys=True).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> Self:
        self.load_state(json.loads(data.decode("utf-8")))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / self.state_file).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Self:
        return self.from_bytes((Path(path) / self.state_file).read_bytes())
