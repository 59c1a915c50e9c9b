"""The `filmbuzz` command: one sub-command per stage. Errors become one line and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError, FilmbuzzError, InputError

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, highlight=False)
Handler = Callable[[argparse.Namespace], int]
SENTIMENT_DATA = "../shared/data/sentiment"  # or $FILMBUZZ_SENTIMENT_DATA


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def cmd_crawl(args: argparse.Namespace) -> int:
    from pipeline.stages.crawl import crawl

    config = _config(args)
    with console.status("crawling…"):
        result = crawl(
            config, args.source or None, films=args.film or None, backfill_days=args.backfill
        )
    _print_crawl(result)
    return 1 if result.error_lines and not result.posts and not result.signals else 0


def _print_crawl(result: object) -> None:
    for name, stats in result.sources.items():  # type: ignore[attr-defined]
        out.print(
            f"{name:<12} {stats['posts']:>6} new posts {stats['signals']:>6} new signals {stats['errors']:>3} errors"
        )
    for line in getattr(result, "skipped", {}).values():
        console.print(line, markup=False, highlight=False)
    for line in result.error_lines[:20]:  # type: ignore[attr-defined]
        console.print(f"[yellow]{line}[/yellow]", markup=True, highlight=False)


def cmd_sources(args: argparse.Namespace) -> int:
    from pipeline.stages.sources import source_statuses

    out.print(f"{'source':<18} {'on':<3} {'last run':<25} {'last success':<25} {'status':<8} "
              f"{'posts':>6} {'signals':>7} {'errors':>6}  credentials")  # fmt: skip
    for row in source_statuses(_config(args)):
        out.print(
            f"{row.name:<18} {'yes' if row.enabled else 'no':<3} {row.last_run or 'never':<25} "
            f"{row.last_success or 'never':<25} {row.status:<8} {row.posts:>6} {row.signals:>7} "
            f"{row.errors:>6}  {row.credentials}"
        )
        if row.message:
            out.print(f"{'':<18} {row.message}")
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    from pipeline.stages.listen import listen, parse_duration

    try:
        seconds = parse_duration(args.duration)
    except ValueError as exc:
        raise ConfigError(f"--for: {exc}") from None
    config = _config(args)
    with console.status(f"listening to {args.source} for {args.duration}…"):
        stats = listen(config, args.source, seconds)
    out.print(
        f"{args.source}: {stats.events} events, {stats.posts_seen} posts, {stats.matched} about "
        f"tracked films, {stats.written} new; {stats.reconnects} reconnects"
    )
    if stats.last_error:
        console.print(f"{args.source}: last error: {stats.last_error}", markup=False)
    return 0


def cmd_enrich(args: argparse.Namespace) -> int:
    from nlp.pipeline import Analyzer
    from pipeline.lake import Lake
    from pipeline.stages.enrich import enrich

    config = _config(args)
    with console.status("enriching…"):
        count = enrich(Lake(config.data_dir / "lake"), Analyzer(config.films))
    out.print(f"enriched {count} posts")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from pipeline.lake import Lake
    from pipeline.stages.index import check, index
    from pipeline.stores import open_store

    config = _config(args)
    lake = Lake(config.data_dir / "lake")
    store = open_store(config)
    try:
        if getattr(args, "check", False):
            return _print_check(check(lake, store))
        with console.status("indexing…"):
            result = index(lake, store, rebuild=args.rebuild)
    finally:
        store.close()
    out.print(f"indexed {result.posts} posts and {result.signals} signals")
    for problem in result.problems:
        console.print(problem, markup=False, highlight=False)
    return 1 if result.problems else 0


def _print_check(differences: list[Any]) -> int:
    if not differences:
        out.print("store and lake agree: same posts per film and month")
        return 0
    for d in differences:
        out.print(
            f"{d.film:<20} {d.month}  lake {d.lake:>8}  store {d.store:>8}  ({d.store - d.lake:+d})"
        )
    out.print(
        f"{len(differences)} film-months differ; `filmbuzz index` catches up, `--rebuild` starts over"
    )
    return 1


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.jobs.lock import LockHeld
    from pipeline.jobs.run import EXIT_LOCKED, run_job, sigterm_interrupts

    config = _config(args)
    try:
        with sigterm_interrupts(), console.status("running: crawl, enrich, index…"):
            record = run_job(config, _run_options(args))
    except LockHeld as exc:
        console.print(f"filmbuzz: {exc}", markup=False, highlight=False)
        return EXIT_LOCKED
    from pipeline.jobs.report import print_run

    print_run(record, out, console)
    return record.exit_code


def _run_options(args: argparse.Namespace) -> Any:
    from pipeline.jobs.run import RunOptions

    try:
        host_map = json.loads(args.host_map) if args.host_map else None
    except ValueError:
        raise ConfigError('--host-map: not a JSON object like {"host": "127.0.0.1:8000"}') from None
    # A host map points at a local stand-in (the replay site): no politeness delays needed.
    return RunOptions(
        sources=args.source or None, host_map=host_map, fast=bool(host_map), scrapyd=args.scrapyd
    )


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.jobs.report import print_status

    print_status(_config(args), out, limit=args.last)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from nlp.pipeline import Analyzer
    from pipeline.stages.analyze_file import analyze_file

    config = _config(args)
    analyzer = Analyzer(config.films, batch_size=1000, n_process=args.processes)
    count = analyze_file(analyzer, Path(args.input), Path(args.output))
    out.print(f"analysed {count} posts into {args.output}")
    return 0


def _sentiment_data(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("FILMBUZZ_SENTIMENT_DATA", SENTIMENT_DATA))


def cmd_train_sentiment(args: argparse.Namespace) -> int:
    from nlp.errors import NLPError
    from nlp.model import MODEL_DIR
    from nlp.training.train import train_all

    target = Path(args.out) if args.out else MODEL_DIR
    try:
        with console.status("training…") as status:
            done = train_all(_sentiment_data(args), target, progress=status.update)
    except NLPError as exc:
        raise InputError(str(exc)) from None
    for lang, meta in done.items():
        out.print(f"{lang}: val macro-F1 {meta['val_macro_f1']:.3f}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from nlp.errors import NLPError
    from nlp.eval.run import run_eval

    data = None if args.no_corpora else _sentiment_data(args)
    try:
        with console.status("evaluating…") as status:
            lines = run_eval(
                data,
                snapshot=args.snapshot,
                errors_to=Path(args.errors) if args.errors else None,
                step=lambda s: status.update(f"evaluating {s}…"),
            )
    except NLPError as exc:
        raise InputError(str(exc)) from None
    for line in lines:
        out.print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.exports import write_table
    from pipeline.exports.build import build, format_for
    from pipeline.stores import open_store

    config = _config(args)
    for film in args.film:
        config.film(film)
    if args.kind == "all":
        return _export_all(config, Path(args.folder) if args.folder else None)
    if not args.out:
        raise ConfigError(f"export {args.kind}: give the file to write with --out")
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
    from pipeline.jobs.lock import LockHeld, RunLock
    from pipeline.jobs.run import EXIT_LOCKED
    from pipeline.stores import open_store

    try:
        with RunLock(config.data_dir, "exports"):
            store = open_store(config, read_only=True)
            try:
                written = scheduled_exports(store, config, folder)
            finally:
                store.close()
    except LockHeld as exc:
        console.print(f"filmbuzz: {exc}", markup=False, highlight=False)
        return EXIT_LOCKED
    for path in written:
        out.print(f"wrote {path}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from datetime import datetime

    from pipeline.jobs.schedule import next_runs, serve, zone

    config = _config(args)

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
    from pipeline.jobs.lock import LockHeld, RunLock
    from pipeline.jobs.run import EXIT_LOCKED
    from pipeline.stores import open_store

    config = _config(args)
    try:
        with RunLock(config.data_dir, "alerts"):
            store = open_store(config, read_only=True)
            try:
                result = run_alerts(store, config, today=args.date)
            finally:
                store.close()
    except LockHeld as exc:
        console.print(f"filmbuzz: {exc}", markup=False, highlight=False)
        return EXIT_LOCKED
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

    config = _config(args)
    config.film(args.film)
    store = open_store(config, read_only=True)
    try:
        path = write_report(config, store, args.film, Path(args.out))
    finally:
        store.close()
    out.print(f"wrote {path}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from dashboards.app import serve

    config = _config(args)
    out.print(f"dashboard on http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    serve(config, host=args.host, port=args.port)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipeline.stages.demo import run_demo

    folder = Path(args.out)
    with console.status("starting the replay site…") as status:
        result = run_demo(Path(args.config), folder, step=lambda s: status.update(f"{s}…"))
    _print_crawl(result.crawl)
    out.print(
        f"enriched {result.enriched} posts; indexed {result.indexed.posts} posts, {result.indexed.signals} signals"
    )
    for path in [*result.exports, *result.reports]:
        out.print(f"wrote {path}")
    if args.no_serve:
        return 0
    from dashboards.app import serve

    out.print(f"dashboard on http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    serve(result.config, host=args.host, port=args.port)
    return 0


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-14") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="filmbuzz", description="Buzz monitor for independent films."
    )
    commands = root.add_subparsers(dest="command", required=True)
    default_config = os.environ.get("FILMBUZZ_CONFIG", "filmbuzz.toml")

    def command(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument(
            "--config", default=default_config, help="config file (default: %(default)s)"
        )
        sub.set_defaults(handler=handler)
        return sub

    crawl = command("crawl", cmd_crawl, "collect new posts and signals from the enabled sources")
    crawl.add_argument(
        "--source", action="append", default=[], help="only this source (repeatable)"
    )
    crawl.add_argument(
        "--film", action="append", default=[], help="only this film slug (repeatable)"
    )
    crawl.add_argument(
        "--backfill", type=int, metavar="DAYS", help="go further back, within the page budget"
    )
    command("enrich", cmd_enrich, "run the NLP over raw posts not yet enriched")
    index = command("index", cmd_index, "bring the store up to date with the lake")
    mode = index.add_mutually_exclusive_group()
    mode.add_argument(
        "--rebuild", action="store_true", help="empty the store and re-index the lake"
    )
    mode.add_argument(
        "--check", action="store_true", help="compare posts per film and month with the lake"
    )
    run = command(
        "run", cmd_run, "crawl, enrich and index, under a lock, logged to logs/runs.jsonl"
    )
    run.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    run.add_argument("--host-map", help=argparse.SUPPRESS)  # JSON: real host -> local stand-in
    run.add_argument(
        "--scrapyd", metavar="URL", help="crawl on this Scrapyd node (it must see the data folder)"
    )
    status = command("status", cmd_status, "summarise recent runs from the run log")
    status.add_argument("--last", type=int, default=10, help="how many runs (default: %(default)s)")
    command("sources", cmd_sources, "per source: enabled, credentials present, last run")
    listen = command("listen", cmd_listen, "follow a live stream for a while (Bluesky's Jetstream)")
    listen.add_argument("source", choices=["bluesky"])
    listen.add_argument("--for", dest="duration", required=True, metavar="DURATION",
                        help="how long to listen: 30s, 10m, 1h30m")  # fmt: skip
    analyze = command(
        "analyze", cmd_analyze, "analyse a JSON Lines file of posts (id, text[, lang, source])"
    )
    analyze.add_argument("--input", required=True)
    analyze.add_argument("--output", required=True)
    analyze.add_argument(
        "--processes", type=int, default=1, help="worker processes for the NLP (default: 1)"
    )
    train = command(
        "train-sentiment", cmd_train_sentiment, "train the sentiment models from the corpora"
    )
    train.add_argument("--data", help=f"corpus folder (default: {SENTIMENT_DATA})")
    train.add_argument("--out", help="model folder (default: the package's nlp/models)")
    evaluate = command("eval", cmd_eval, "score the NLP on the dev set and the test splits")
    evaluate.add_argument("--data", help=f"corpus folder (default: {SENTIMENT_DATA})")
    evaluate.add_argument("--no-corpora", action="store_true", help="only the dev set")
    evaluate.add_argument(
        "--snapshot", action="store_true", help="also the replay snapshot's labelled posts"
    )
    evaluate.add_argument("--errors", help="write the mislabelled posts to this JSON Lines file")
    export = command("export", cmd_export, "write a CSV or XLSX export (columns: docs/exports.md)")
    export.add_argument("kind", choices=["daily", "posts", "territories", "aspects", "all"],
                        help="`all`: every kind of [exports] into its folder, with dated names")  # fmt: skip
    export.add_argument("--film", action="append", default=[],
                        help="only this film slug (repeatable; default: every film)")  # fmt: skip
    export.add_argument("--out", help="the file to write (.csv or .xlsx)")
    export.add_argument("--folder", help="for `all`: the folder (default: [exports] folder)")
    export.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out's suffix")
    export.add_argument("--from", dest="start", type=_iso_date)
    export.add_argument("--to", dest="end", type=_iso_date)
    export.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (for Excel)")
    alerts = command(
        "alerts", cmd_alerts, "check for spikes, new countries and where-to-watch asks"
    )
    alerts.add_argument("--date", type=_iso_date, help="judge as of this day (default: today)")
    command("schedule", cmd_schedule, "run, export and alert on the cron lines of [schedule]")
    report = command("report", cmd_report, "write a self-contained HTML report for a film")
    report.add_argument("--film", required=True)
    report.add_argument("--out", required=True)
    for name, handler, help in (
        ("dashboard", cmd_dashboard, "serve the dashboards"),
        ("demo", cmd_demo, "run the whole flow offline against the bundled replay site"),
    ):
        sub = command(name, handler, help)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8050)
        if name == "demo":
            sub.set_defaults(config=os.environ.get("FILMBUZZ_CONFIG", "filmbuzz.example.toml"))
            sub.add_argument(
                "--out", default="filmbuzz-demo", help="folder for the demo's data and files"
            )
            sub.add_argument("--no-serve", action="store_true", help="stop after writing the files")
    return root


def _terminated() -> type[BaseException]:
    from pipeline.jobs.run import Terminated

    return Terminated


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except FilmbuzzError as exc:
        print(f"filmbuzz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("filmbuzz: interrupted", file=sys.stderr)
        return 130
    except _terminated():
        print("filmbuzz: stopped by SIGTERM", file=sys.stderr)
        return 143


if __name__ == "__main__":
    sys.exit(main())
