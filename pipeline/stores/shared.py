"""Read-only embedded stores kept open between uses, for long-running readers (dashboards).

Opening the DuckDB file for every query throws its caches away: a cold film page at 1M posts
spent a quarter of its time re-reading the same blocks. Here each store file stays open
(a pinned `EmbeddedStore`) and each use gets its own connection to it (a DuckDB connection is not
shared between threads). A re-index replaces the file (`EmbeddedStore.close`): the next use opens
the new one, and the old one is closed when its last reader is done.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import StoreError
from pipeline.stores.embedded import EmbeddedStore, no_store

KEPT = 4  # store files kept open at once (a process serves one; tests make many)


@dataclass
class _Open:
    identity: tuple[int, int, int]  # inode, mtime, size: a replaced file differs
    store: EmbeddedStore
    readers: int = 0
    current: bool = True


_OPEN: dict[Path, _Open] = {}
_LOCK = threading.Lock()


@contextmanager
def shared_reader(path: Path) -> Iterator[EmbeddedStore]:
    """A read-only store on `path` for this thread, on the database kept open for it."""
    path = Path(path).resolve()
    with _LOCK:
        entry = _current(path)
        entry.readers += 1
    try:
        handle = entry.store.handle()
    except BaseException:
        _leave(entry)
        raise
    try:
        yield handle
    finally:
        handle.close()
        _leave(entry)


def _current(path: Path) -> _Open:
    """The open store of `path`'s current file (call holding `_LOCK`)."""
    identity = _identity(path)
    entry = _OPEN.get(path)
    if entry is not None and entry.identity == identity:
        return entry
    if entry is not None:
        _retire(path)
    for old in list(_OPEN)[: max(0, len(_OPEN) - KEPT + 1)]:
        _retire(old)
    _OPEN[path] = _Open(identity, EmbeddedStore(path, pinned=True))
    return _OPEN[path]


def _retire(path: Path) -> None:
    entry = _OPEN.pop(path)
    entry.current = False
    if not entry.readers:
        entry.store.close()


def _leave(entry: _Open) -> None:
    with _LOCK:
        entry.readers -= 1
        if not entry.readers and not entry.current:
            entry.store.close()


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        raise no_store(path) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc})") from None
    return found.st_ino, found.st_mtime_ns, found.st_size
