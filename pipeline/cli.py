"""The `filmbuzz` command: one sub-command per stage. Errors become one line and a non-zero exit."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from rich.console import Console

from pipeline.config import Config, load_config
from pipeline.errors import FilmbuzzError

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, highlight=False)
Handler = Callable[[argparse.Namespace], int]


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
    for line in result.error_lines[:20]:  # type: ignore[attr-defined]
        console.print(f"[yellow]{line}[/yellow]", markup=True, highlight=False)


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
    from pipeline.stages.index import index
    from pipeline.stores import open_store

    config = _config(args)
    store = open_store(config)
    try:
        result = index(Lake(config.data_dir / "lake"), store, rebuild=args.rebuild)
    finally:
        store.close()
    out.print(f"indexed {result.posts} posts and {result.signals} signals")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    args.source, args.film, args.backfill, args.rebuild = [], [], None, False
    status = cmd_crawl(args)
    return status or cmd_enrich(args) or cmd_index(args)


def cmd_analyze(args: argparse.Namespace) -> int:
    from nlp.pipeline import Analyzer
    from pipeline.stages.analyze_file import analyze_file

    config = _config(args)
    count = analyze_file(Analyzer(config.films), Path(args.input), Path(args.output))
    out.print(f"analysed {count} posts into {args.output}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.exports import daily, write_csv
    from pipeline.stores import open_store

    config = _config(args)
    config.film(args.film)
    store = open_store(config, read_only=True)
    try:
        frame = daily(store, config, args.film, args.start, args.end)
    finally:
        store.close()
    write_csv(frame, Path(args.out), bom=args.bom)
    out.print(f"wrote {len(frame)} rows to {args.out}")
    return 0


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
    index.add_argument(
        "--rebuild", action="store_true", help="empty the store and re-index the whole lake"
    )
    command("run", cmd_run, "crawl, enrich and index")
    analyze = command(
        "analyze", cmd_analyze, "analyse a JSON Lines file of posts (id, text[, lang, source])"
    )
    analyze.add_argument("--input", required=True)
    analyze.add_argument("--output", required=True)
    export = command("export", cmd_export, "write a CSV export")
    export.add_argument("kind", choices=["daily"])
    export.add_argument("--film", required=True)
    export.add_argument("--out", required=True)
    export.add_argument("--from", dest="start", type=_iso_date)
    export.add_argument("--to", dest="end", type=_iso_date)
    export.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (for Excel)")
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


if __name__ == "__main__":
    sys.exit(main())
