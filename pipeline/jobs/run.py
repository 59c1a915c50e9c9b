"""`filmbuzz run`: crawl -> enrich -> index under the run lock, logged to the run log.

Every stage is idempotent (the lake dedupes by id, the store marks the lake files it holds),
so a run killed anywhere is repaired by the next one: nothing lost, nothing doubled.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from pipeline.config import Config
from pipeline.errors import FilmbuzzError
from pipeline.jobs import runlog
from pipeline.jobs.lock import RunLock

# Exit codes of `filmbuzz run` (documented in the README).
EXIT_OK = 0
EXIT_PARTIAL = 1  # some sources failed, rows were refused or posts set aside; the rest is in
EXIT_CONFIG = 2  # bad config or input: nothing ran
EXIT_LOCKED = 3  # another run holds the lock: nothing ran
EXIT_FAILED = 4  # a stage could not run at all (crawl process died, store down…)
EXIT_INTERRUPTED = 130  # Ctrl+C or SIGTERM; the next run picks up where this one stopped


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl+C so the run log gets its `end` line."""


@dataclass
class RunOptions:
    sources: list[str] | None = None
    host_map: dict[str, str] | None = None  # real hosts -> stand-ins (replay site, tests)
    fast: bool = False  # no politeness delays (a local replay site only)
    env: Mapping[str, str] | None = None  # extra variables for the crawl's child process
    scrapyd: str | None = None  # crawl on this Scrapyd node instead (it must see the data folder)


@dataclass
class RunRecord:
    run_id: str
    status: str = "running"  # ok, partial, failed, interrupted
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    enriched: int = 0
    indexed: dict[str, int] = field(default_factory=lambda: {"posts": 0, "signals": 0})
    errors: list[str] = field(default_factory=list)
    failed_stages: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)  # one line per record, this run
    set_aside: int = 0  # of those, the records that went no further

    @property
    def exit_code(self) -> int:
        return {
            "ok": EXIT_OK,
            "partial": EXIT_PARTIAL,
            "failed": EXIT_FAILED,
            "interrupted": EXIT_INTERRUPTED,
        }.get(self.status, EXIT_FAILED)

    def log_fields(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "exit_code": self.exit_code,
            "sources": self.sources,
            "skipped": self.skipped,
            "enriched": self.enriched,
            "indexed": self.indexed,
            "errors": self.errors[:50],
            "quarantined": len(self.quarantined),
            "quarantine": self.quarantined[:50],
        }


def run_job(config: Config, options: RunOptions | None = None) -> RunRecord:
    """One locked, logged run; raises LockHeld (nothing ran) if another run is going on."""
    options = options or RunOptions()
    if options.sources:  # a source that is not enabled is bad input: stop before anything runs
        from pipeline.stages.crawl import choose

        choose(config, options.sources, {**os.environ, **(options.env or {})})
    data_dir = config.data_dir
    with RunLock(data_dir, "run"):
        record = RunRecord(run_id=uuid.uuid4().hex[:12])
        runlog.append(data_dir, "start", {"run_id": record.run_id, "pid": os.getpid()})
        try:
            _stages(config, options, record, datetime.now(UTC))
        except (KeyboardInterrupt, Terminated):
            record.status = "interrupted"
            raise
        finally:
            if record.status == "running":
                record.status = "failed"
            runlog.append(data_dir, "end", record.log_fields())
    return record


def _stages(config: Config, options: RunOptions, record: RunRecord, started: datetime) -> None:
    # Each stage runs even if the one before failed: enrich and index catch up on what
    # earlier runs left behind.
    for name, stage in (("crawl", _crawl), ("enrich", _enrich), ("index", _index)):
        try:
            stage(config, options, record)
        except FilmbuzzError as exc:
            record.failed_stages.append(name)
            record.errors.append(f"{name}: {exc}")
        except Exception as exc:  # a bug must not hide behind `failed` with no error logged
            record.failed_stages.append(name)
            record.errors.append(f"{name}: unexpected {type(exc).__name__}: {exc}".splitlines()[0])
    _quarantined(config, record, started)
    failed_sources = [s for s, v in record.sources.items() if v.get("status") == "failed"]
    if record.failed_stages:
        record.status = "failed"
    elif failed_sources or record.errors or record.set_aside:
        record.status = "partial"
    else:
        record.status = "ok"


def _crawl(config: Config, options: RunOptions, record: RunRecord) -> None:
    from pipeline.stages.crawl import crawl

    if options.scrapyd:
        return _crawl_on_scrapyd(config, options, record)

    result = crawl(config, options.sources, host_map=options.host_map, fast=options.fast,
                   env=options.env)  # fmt: skip
    for name, stats in result.sources.items():
        record.sources[name] = _source_counts(stats)
    record.skipped = dict(result.skipped)
    record.errors.extend(result.error_lines[:20])


def _crawl_on_scrapyd(config: Config, options: RunOptions, record: RunRecord) -> None:
    from pipeline.jobs import scrapyd
    from pipeline.stages.crawl import choose

    env = {**os.environ, **(options.env or {})}
    chosen, record.skipped = choose(config, options.sources, env)
    before = _lake_rows(config, chosen)
    settings = scrapyd.crawl_settings(
        str(config.path), str(config.data_dir), options.host_map, options.fast
    )
    assert options.scrapyd is not None
    scrapyd.wait(options.scrapyd, scrapyd.schedule(options.scrapyd, chosen, settings))
    after = _lake_rows(config, chosen)
    for name in chosen:
        posts, signals = (after[name][i] - before[name][i] for i in (0, 1))
        record.sources[name] = {"posts": posts, "signals": signals, "errors": 0, "status": "ok"}


def _lake_rows(config: Config, sources: list[str]) -> dict[str, tuple[int, int]]:
    """Rows per source in the raw and signals tables (a node's crawl reports no stats to us)."""
    import pyarrow.parquet as pq

    lake = config.data_dir / "lake"

    def rows(table: str, source: str) -> int:
        files = (lake / table / source).glob("part-*.parquet")
        return sum(pq.read_metadata(f).num_rows for f in files)

    return {s: (rows("raw", s), rows("signals", s)) for s in sources}


def _source_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    posts, signals, errors = (int(stats.get(k, 0)) for k in ("posts", "signals", "errors"))
    status = "ok" if not errors else ("errors" if posts or signals else "failed")
    return {"posts": posts, "signals": signals, "errors": errors, "status": status}


def _enrich(config: Config, options: RunOptions, record: RunRecord) -> None:
    from pipeline.lake import Lake
    from pipeline.stages.enrich import enrich_lake

    record.enriched = enrich_lake(Lake(config.data_dir / "lake"), config.films)


def _index(config: Config, options: RunOptions, record: RunRecord) -> None:
    from pipeline.lake import Lake
    from pipeline.stages.index import index
    from pipeline.stores import open_store

    store = open_store(config)
    try:
        result = index(Lake(config.data_dir / "lake"), store)
    finally:
        store.close()
    record.indexed = {"posts": result.posts, "signals": result.signals}
    record.errors.extend(f"index: {p}" for p in result.problems)


def _quarantined(config: Config, record: RunRecord, started: datetime) -> None:
    """Name each record this run quarantined (a post set aside makes the run partial)."""
    from pipeline import quarantine
    from pipeline.lake import Lake

    rows = quarantine.since(Lake(config.data_dir / "lake"), started)
    record.quarantined = [quarantine.line(r) for r in rows]
    record.set_aside = sum(r["action"] == quarantine.SET_ASIDE for r in rows)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` while the block runs (main thread only)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
