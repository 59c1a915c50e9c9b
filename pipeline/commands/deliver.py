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
    warn_about,
)
from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.outfile import check_target


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.exports import write_table
    from pipeline.exports.build import build, format_for
    from pipeline.stores import open_store

    _check_export_args(args)
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


def _check_export_args(args: argparse.Namespace) -> None:
    if args.start and args.end and args.start > args.end:
        raise ConfigError(f"export: --from {args.start} is after --to {args.end}")
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if args.out and not args.format and suffix not in (".csv", ".xlsx"):
        raise ConfigError(
            f"export: --out {args.out}: name a .csv or .xlsx file, or say --format csv|xlsx"
        )


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
    warn_about(config)

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
    _serve(config_from(args), args)
    return 0


def _serve(config: Config, args: argparse.Namespace) -> None:
    from dashboards.app import bind

    server = bind(config, host=args.host, port=args.port, verbose=args.verbose)
    host, port = (str(part) for part in server.server_address[:2])
    shown = f"[{host}]" if ":" in host else host
    out.print(f"dashboard on http://{shown}:{port}/  (Ctrl+C to stop)")
    server.serve_forever()


def cmd_dashboard_user(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from dashboards.auth import USERS_ENV, hash_entry
    from dashboards.errors import DashboardError

    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise DashboardError("the two passwords differ; nothing written")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    out.print(hash_entry(args.name, password), markup=False, highlight=False)
    console.print(f"add that line to {USERS_ENV} (entries separated by spaces or new lines)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipeline.jobs.lock import LockHeld
    from pipeline.jobs.report import print_run
    from pipeline.jobs.run import EXIT_LOCKED
    from pipeline.stages.demo import run_demo

    folder = Path(args.out)
    try:
        with console.status("starting the replay site…") as status:
            result = run_demo(Path(args.config), folder, step=lambda s: status.update(f"{s}…"))
    except LockHeld as exc:
        console.print(f"filmbuzz: {exc}", markup=False, highlight=False)
        return EXIT_LOCKED
    print_run(result.run, out, console)
    for path in [*result.exports, *result.reports]:
        out.print(f"wrote {path}")
    if result.where_to_watch:
        out.print("where to watch today (tmdb source; data from JustWatch via TMDB):")
        for line in result.where_to_watch:
            out.print(f"  {line}")
    out.print(f"runs so far: filmbuzz status --config {result.config.path}", markup=False)
    if args.no_serve:
        return result.run.exit_code
    _serve(result.config, args)
    return 0
