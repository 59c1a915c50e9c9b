"""The Parquet lake: the source of truth. Append-only, atomic, deduplicated by record id.

Layout under the data folder::

    lake/raw/<source>/part-*.parquet      posts as collected
    lake/posts/<source>/part-*.parquet    posts with their enrichment
    lake/signals/<source>/part-*.parquet  daily numeric series
    lake/quarantine/<source>/part-*.parquet  records a stage could not take (pipeline.quarantine)

A file becomes visible only by an atomic rename, so a killed write leaves at most a hidden
temporary file, which readers skip and the next write removes.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.errors import LakeError
from pipeline.records import POST_SCHEMA, QUARANTINE_SCHEMA, RAW_POST_SCHEMA, SIGNAL_SCHEMA

SCHEMAS: dict[str, pa.Schema] = {
    "raw": RAW_POST_SCHEMA,
    "posts": POST_SCHEMA,
    "signals": SIGNAL_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
}
_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600


class Lake:
    """Parquet tables under `root`, one folder per table and source."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        if name not in SCHEMAS:
            raise LakeError(f"unknown lake table {name!r}; known: {', '.join(SCHEMAS)}")
        return self.root / name

    def files(self, name: str) -> list[Path]:
        folder = self.path(name)
        if not folder.exists():
            return []
        return sorted(p for p in folder.rglob("part-*.parquet") if p.is_file())

    def dataset(self, name: str) -> ds.Dataset:
        return ds.dataset(
            [str(p) for p in self.files(name)], schema=SCHEMAS[name], format="parquet"
        )

    def read(self, name: str, columns: list[str] | None = None) -> pa.Table:
        try:
            return self.dataset(name).to_table(columns=columns)
        except (OSError, pa.ArrowInvalid) as exc:
            raise LakeError(f"{self.path(name)}: cannot read the lake table ({exc})") from None

    def batches(self, name: str, batch_size: int = 10_000) -> Iterator[pa.RecordBatch]:
        """Stream a table in batches, so memory stays flat however big the lake grows."""
        yield from self.dataset(name).to_batches(batch_size=batch_size)

    def count(self, name: str) -> int:
        return self.dataset(name).count_rows()

    def ids(self, name: str) -> set[str]:
        return set(self.read(name, ["id"]).column("id").to_pylist())

    def append(self, name: str, table: pa.Table, known_ids: set[str] | None = None) -> int:
        """Write the rows whose id is new; returns how many were written.

        `known_ids` lets a long-running writer (a crawl) keep the set in memory instead of
        re-reading the lake on every flush; it is updated in place.
        """
        table = table.cast(SCHEMAS[name]) if table.schema != SCHEMAS[name] else table
        known = self.ids(name) if known_ids is None else known_ids
        fresh = _first_of_each_id(table, known)
        if fresh.num_rows == 0:
            return 0
        for source in sorted(set(fresh.column("source").to_pylist())):
            part = fresh.filter(pc.equal(fresh.column("source"), source))
            self._write_atomically(self.path(name) / source, part)
        known.update(fresh.column("id").to_pylist())
        return fresh.num_rows

    def deduplicated(self, name: str) -> pa.Table:
        """The whole table with the first row of each id only (in writing order)."""
        return _first_of_each_id(self.read(name), set())

    def replace(self, name: str, table: pa.Table) -> None:
        """Write `table` as the whole of a table (compaction, re-enrichment), then drop the old files."""
        old = self.files(name)
        for source in sorted(set(table.column("source").to_pylist())):
            part = table.filter(pc.equal(table.column("source"), source))
            self._write_atomically(self.path(name) / source, part)
        for path in old:
            path.unlink(missing_ok=True)

    def _write_atomically(self, folder: Path, table: pa.Table) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(folder)
        # Names sort in writing order, which keeps enrich and index in the order data arrived.
        name = f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"
        tmp = folder / f"{_TMP_PREFIX}{name}"
        final = folder / name
        try:
            with tmp.open("wb") as handle:
                pq.write_table(table, handle, compression="zstd")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, final)
            fsync(folder)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise LakeError(f"{final}: cannot write the lake file ({exc})") from None
        return final


def _first_of_each_id(table: pa.Table, known: set[str]) -> pa.Table:
    seen = set(known)
    keep = []
    for index, record_id in enumerate(table.column("id").to_pylist()):
        if record_id not in seen:
            seen.add(record_id)
            keep.append(index)
    return table.take(pa.array(keep, type=pa.int64()))


def _remove_stale_temporaries(folder: Path) -> None:
    cutoff = time.time() - _STALE_TMP_SECONDS
    for tmp in folder.glob(f"{_TMP_PREFIX}*"):
        try:
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
        except FileNotFoundError:
            pass


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (after a rename), to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
