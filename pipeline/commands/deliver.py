"""Commands that deliver: export, schedule, alerts, report, dashboard, demo."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from pipeline.commands.common import (
    config_from,
    console,
    out,
    print_crawl,
)
from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.outfile import check_target


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.exports import write_table
    from pipeline.exports.build import build, format_for
    from pipeline.stores import open_store

    config = config_from(args)
    for film in args.film:
        config.film(film)
    if args.kind == "all":
        return _export_all(config, Path(args.folder) if args.folder else None)
    if not args.out:
        raise ConfigError(f"export {args.kind}: give the file to write with --out")
    check_target(Path(args.out))
    store = open_store(config, read_only=True)
    try:
        frame = build(args.kind, store, config, args.film, args.start, args.end)
    finally:
        store.close()
    path = Path(args.out)
    write_table(frame, path, format_for(path, args.format), bom=args.bom)
    out.print(f"wrote {len(frame)} rows to {args.out}")
    return 0


def _export_all(config: Config, folder: Path | None) -> int:
    from pipeline.exports.build import scheduled_exports
    from pipeline.stores import open_store

    store = open_store(config, read_only=True)
    try:
        written = scheduled_exports(store, config, folder)
    finally:
        store.close()
    for path in written:
        out.print(f"wrote {path}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from datetime import datetime

    from pipeline.jobs.schedule import next_runs, serve, zone

    config = config_from(args)

    def started(scheduler: Any) -> None:
        now = datetime.now(zone(config))
        for job, when in next_runs(scheduler, now):
            out.print(f"{job:<8} next at {when.isoformat() if when else 'never'}")
        out.print(
            f"scheduler started (pid {os.getpid()}); SIGTERM or Ctrl+C stops it", highlight=False
        )

    serve(config, started)
    out.print("scheduler stopped")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from pipeline.alerts.job import run_alerts
    from pipeline.jobs.lock import ALERTS_LOCK, RunLock
    from pipeline.stores import open_store

    config = config_from(args)
    with RunLock(config.data_dir, "alerts", ALERTS_LOCK):  # not the run lock: see jobs.lock
        store = open_store(config, read_only=True)
        try:
            result = run_alerts(store, config, today=args.date)
        finally:
            store.close()
    for alert in result.new:
        out.print(f"[{alert.kind}] {alert.message}", markup=False, highlight=False)
    for channel, count in result.delivered.items():
        out.print(f"sent {count} alert(s) by {channel}")
    for line in result.failures:
        console.print(line, markup=False, highlight=False)
    out.print(f"{len(result.new)} new alert(s)")
    return 1 if result.failures else 0


def cmd_report(args: argparse.Namespace) -> int:
    from dashboards.report import write_report
    from pipeline.stores import open_store

    config = config_from(args)
    config.film(args.film)
    check_target(Path(args.out))
    store = open_store(config, read_only=True)
    try:
        path = write_report(config, store, args.film, Path(args.out))
    finally:
        store.close()
    out.print(f"wrote {path}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from dashboards.app import serve

    config = config_from(args)
    out.print(f"dashboard on http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    serve(config, host=args.host, port=args.port)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipeline.stages.demo import run_demo

    folder = Path(args.out)
    with console.status("starting the replay site…") as status:
        result = run_demo(Path(args.config), folder, step=lambda s: status.update(f"{s}…"))
    print_crawl(result.crawl)
    out.print(
        f"enriched {result.enriched} posts; indexed {result.indexed.posts} posts, {result.indexed.signals} signals"
    )
    for path in [*result.exports, *result.reports]:
        out.print(f"wrote {path}")
    if result.where_to_watch:
        out.print("where to watch today (tmdb source; data from JustWatch via TMDB):")
        for line in result.where_to_watch:
            out.print(f"  {line}")
    if args.no_serve:
        return 0
    from dashboards.app import serve

    out.print(f"dashboard on http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    serve(result.config, host=args.host, port=args.port)
    return 0
