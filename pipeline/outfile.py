"""Files a command writes for the user (`--out`, `--output`): checked first, written atomically.

The target is written to a hidden temporary file beside it, then renamed over it, so a reader
never sees half a file. A target that cannot be written (a folder, a path under a file, no
permission) is refused with one line before any work is done, and a failure part-way leaves no
temporary file behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import InputError


def check_target(path: Path, option: str = "--out") -> Path:
    """`path` if a file can be written there (its folder is created); else InputError."""
    path = Path(path)
    if path.is_dir() or not path.name or path.name in (".", ".."):
        raise InputError(f"{option} {path}: is a folder; give a file name")
    folder = path.parent
    blocker = next((p for p in [folder, *folder.parents] if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise InputError(f"{option} {path}: {blocker} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot create its folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option} {path}: {folder} is not writable")
    return path


def temporary_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


@contextmanager
def atomic_target(path: Path, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on failure it is removed."""
    path = check_target(path, option)
    tmp = temporary_for(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(
            f"{option} {path}: cannot write the file ({exc.strerror or exc})"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
