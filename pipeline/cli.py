"""The `filmbuzz` command: one sub-command per stage. Errors become one line and a non-zero exit."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from pipeline.commands.collect import (
    cmd_compact,
    cmd_crawl,
    cmd_enrich,
    cmd_index,
    cmd_listen,
    cmd_run,
    cmd_sources,
    cmd_status,
)
from pipeline.commands.common import SENTIMENT_DATA, iso_date
from pipeline.commands.deliver import (
    cmd_alerts,
    cmd_dashboard,
    cmd_demo,
    cmd_export,
    cmd_report,
    cmd_schedule,
)
from pipeline.commands.language import cmd_analyze, cmd_eval, cmd_train_sentiment
from pipeline.errors import FilmbuzzError
from pipeline.jobs.lock import LockHeld
from pipeline.jobs.run import EXIT_LOCKED

Handler = Callable[[argparse.Namespace], int]


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
    command("compact", cmd_compact, "rewrite lake tables that hold a record twice, once each")
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
    export.add_argument("--from", dest="start", type=iso_date)
    export.add_argument("--to", dest="end", type=iso_date)
    export.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (for Excel)")
    alerts = command(
        "alerts", cmd_alerts, "check for spikes, new countries and where-to-watch asks"
    )
    alerts.add_argument("--date", type=iso_date, help="judge as of this day (default: today)")
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
    except LockHeld as exc:  # another writer is at work: nothing ran, try again later
        print(f"filmbuzz: {exc}", file=sys.stderr)
        return EXIT_LOCKED
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
