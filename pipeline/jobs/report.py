"""How `filmbuzz run` and `filmbuzz status` print: plain lines on the consoles the CLI passes."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pipeline.config import Config
from pipeline.jobs import runlog
from pipeline.jobs.lock import is_locked, read_holder
from pipeline.jobs.run import RunRecord
from pipeline.jobs.status import recent_runs


def print_run(record: RunRecord, out: Console, err: Console) -> None:
    for name, stats in record.sources.items():
        out.print(f"{name:<12} {stats['posts']:>6} new posts {stats['signals']:>6} new signals "
                  f"{stats['errors']:>3} errors  {stats['status']}")  # fmt: skip
    for line in record.skipped.values():
        err.print(line, markup=False, highlight=False)
    out.print(
        f"enriched {record.enriched} posts; indexed {record.indexed['posts']} posts, "
        f"{record.indexed['signals']} signals"
    )
    for line in record.errors[:20]:
        err.print(line, markup=False, highlight=False)
    for line in record.quarantined[:50]:
        err.print(f"quarantined: {line}", markup=False, highlight=False)
    out.print(f"run {record.run_id}: {record.status} (exit {record.exit_code})")


def print_status(config: Config, out: Console, limit: int = 10) -> None:
    data_dir = config.data_dir
    if is_locked(data_dir):
        holder = read_holder(data_dir)
        out.print(f"a {holder.get('job', 'run')} is going on: process {holder.get('pid')} "
                  f"since {holder.get('since')}")  # fmt: skip
    runs = recent_runs(data_dir, limit)
    if not runs:
        out.print(
            f"no runs yet in {data_dir / 'logs' / 'runs.jsonl'}; start one with `filmbuzz run`"
        )
        return
    out.print(f"{'run':<12} {'started (UTC)':<25} {'status':<11} {'secs':>6} {'posts':>6} "
              f"{'signals':>7} {'enriched':>8} {'indexed':>7} {'errors':>6} {'quarantined':>11}")  # fmt: skip
    for r in runs:
        secs = f"{r.seconds:.0f}" if r.seconds is not None else "-"
        out.print(f"{r.run_id:<12} {r.started:<25} {r.status:<11} {secs:>6} {r.posts:>6} "
                  f"{r.signals:>7} {r.enriched:>8} {r.indexed:>7} {r.errors:>6} {r.quarantined:>11}")  # fmt: skip
        if r.first_error:
            out.print(f"{'':<12} first error: {r.first_error}", markup=False)
    _print_other_events(data_dir, out)
    _print_quarantine(data_dir, out)


def _print_quarantine(data_dir: Path, out: Console) -> None:
    from pipeline import quarantine
    from pipeline.lake import Lake

    counts = quarantine.per_source(Lake(data_dir / "lake"))
    if counts:
        each = ", ".join(f"{source} {n}" for source, n in sorted(counts.items()))
        out.print(f"quarantined: {sum(counts.values())} records in lake/quarantine ({each})")


def _print_other_events(data_dir: Path, out: Console) -> None:
    for kind, label in (("alert", "alerts"), ("missed", "missed scheduled times")):
        found = list(runlog.events(data_dir, kind))
        if found:
            last = found[-1]
            what = last.get("message") or f"{last.get('job')} at {last.get('scheduled')}"
            out.print(f"{label}: {len(found)}, the last at {last['at']}: {what}", markup=False)
