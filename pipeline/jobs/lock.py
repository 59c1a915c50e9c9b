"""One writer at a time: an OS lock (`fcntl.flock`) on `<data>/run.lock`.

Every command that writes the lake or the store (`crawl`, `listen`, `enrich`, `index`,
`compact`, `run`) holds it, so two of them never overlap. Readers (dashboards, exports,
reports, alerts) never take it: the store they read is swapped in whole by its writer.
`alerts` has a lock of its own (`alerts.lock`), so two checks never send the same alert.

The kernel drops the lock when its process ends, however it ends, so a killed run never
leaves a stale lock behind: the file stays, the lock does not.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from pipeline.errors import ConfigError, FilmbuzzError

LOCK_NAME = "run.lock"
ALERTS_LOCK = "alerts.lock"


class LockHeld(FilmbuzzError):
    """Another process holds the run lock."""


class RunLock:
    """`with RunLock(data_dir): ...` holds the lock or raises LockHeld at once (never waits)."""

    def __init__(self, data_dir: Path, job: str = "run", name: str = LOCK_NAME) -> None:
        self.path = Path(data_dir) / name
        self.job = job
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(
                f"{self.path.parent}: cannot use the data folder ({exc.strerror}); "
                "check [store] path in the config"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(self._held_message()) from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, json.dumps({"pid": os.getpid(), "job": self.job, "since": started}).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def _held_message(self) -> str:
        holder = read_holder(self.path.parent, self.path.name)
        who = f"process {holder.get('pid')} since {holder.get('since')}" if holder else "a process"
        job = holder.get("job") or "run"
        return f"another filmbuzz {job} ({who}) holds {self.path}; wait for it to finish"

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def is_locked(data_dir: Path) -> bool:
    """Whether a live process holds the lock (tries it without keeping it)."""
    path = Path(data_dir) / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's lock
    return False


def read_holder(data_dir: Path, name: str = LOCK_NAME) -> dict[str, object]:
    """What the lock's last holder wrote (pid, job, since); empty if unreadable."""
    try:
        data = json.loads((Path(data_dir) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
