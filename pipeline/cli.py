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
    cmd_dashboard_user,
    cmd_demo,
    cmd_export,
    cmd_report,
    cmd_schedule,
)
from pipeline.commands.language import cmd_analyze, cmd_eval, cmd_train_sentiment
from pipeline.commands.setup import cmd_check, cmd_init
from pipeline.errors import FilmbuzzError
from pipeline.jobs.lock import LockHeld
from pipeline.jobs.run import EXIT_LOCKED
from pipeline.starter import EXAMPLE_CONFIG

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

    init = command("init", cmd_init, "write a commented starter config (asks, or takes flags)")
    init.add_argument("--name", help="your company or team (default: filmbuzz)")
    init.add_argument("--contact", help="an e-mail or web page of yours, for the User-Agent")
    init.add_argument("--film", action="append", default=[], metavar="'TITLE (YEAR)'",
                      help="a film to track, like 'Red Rooms (2023)' (repeatable)")  # fmt: skip
    init.add_argument("--source", action="append", default=[],
                      help="a source to enable (repeatable; default: the ones needing no key)")  # fmt: skip
    init.add_argument("--timezone", help="IANA time zone for days in charts (default: UTC)")
    init.add_argument("--force", action="store_true", help="replace the file if it exists")
    init.add_argument(
        "--no-input", action="store_true", help="never ask; fail if --contact or --film is missing"
    )
    check = command("check", cmd_check, "validate the config, then reach each source with its keys")
    check.add_argument("--host-map", help=argparse.SUPPRESS)  # JSON: real host -> local stand-in
    crawl = command("crawl", cmd_crawl, "collect new posts and signals from the enabled sources")
    crawl.add_argument(
        "--source", action="append", default=[], help="only this source (repeatable)"
    )
    crawl.add_argument(
        "--film", action="append", default=[], help="only this film slug (repeatable)"
    )
    crawl.add_argument(
        "--backfill", type=positive, metavar="DAYS", help="go further back, within the page budget"
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
    status.add_argument(
        "--last", type=positive, default=10, help="how many runs (default: %(default)s)"
    )
    command("sources", cmd_sources, "per source: enabled, credentials present, last run")
    listen = command("listen", cmd_listen, "follow a live stream for a while (Bluesky's Jetstream)")
    listen.add_argument(
        "source", choices=["bluesky"], help="the stream: bluesky (Jetstream, no key)"
    )
    listen.add_argument("--for", dest="duration", required=True, metavar="DURATION",
                        help="how long to listen: 30s, 10m, 1h30m")  # fmt: skip
    analyze = command(
        "analyze", cmd_analyze, "analyse a JSON Lines file of posts (id, text[, lang, source])"
    )
    analyze.add_argument("--input", required=True, help="JSON Lines file to read")
    analyze.add_argument("--output", required=True, help="JSON Lines file to write")
    analyze.add_argument(
        "--processes", type=positive, default=1, help="worker processes for the NLP (default: 1)"
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
    export.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                        help="first day, like 2026-03-01 (in the project's time zone)")  # fmt: skip
    export.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                        help="last day, included")  # fmt: skip
    export.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (for Excel)")
    alerts = command(
        "alerts", cmd_alerts, "check for spikes, new countries and where-to-watch asks"
    )
    alerts.add_argument("--date", type=iso_date, help="judge as of this day (default: today)")
    command("schedule", cmd_schedule, "run, export and alert on the cron lines of [schedule]")
    report = command("report", cmd_report, "write a self-contained HTML report for a film")
    report.add_argument("--film", required=True, help="the film's slug")
    report.add_argument("--out", required=True, help="the HTML file to write")
    for name, handler, help in (
        ("dashboard", cmd_dashboard, "serve the dashboards"),
        ("demo", cmd_demo, "run the whole flow offline against the bundled replay site"),
    ):
        sub = command(name, handler, help)
        sub.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: %(default)s); any but loopback "
                         "needs sign-in (FILMBUZZ_DASHBOARD_USERS)")  # fmt: skip
        sub.add_argument("--port", type=port, default=8050,
                         help="default: %(default)s; 0 picks a free one")  # fmt: skip
        sub.add_argument("--verbose", action="store_true", help="log every request")
        if name == "demo":
            sub.set_defaults(config=os.environ.get("FILMBUZZ_CONFIG", str(EXAMPLE_CONFIG)))
            sub.add_argument(
                "--out", default="filmbuzz-demo", help="folder for the demo's data and files"
            )
            sub.add_argument("--no-serve", action="store_true", help="stop after writing the files")
    user = command("dashboard-user", cmd_dashboard_user,
                   "print a name:hash entry for FILMBUZZ_DASHBOARD_USERS (asks the password)")  # fmt: skip
    user.add_argument("name", help="the name to sign in with")
    return root


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return number


def port(value: str) -> int:
    number = 0 if value.strip() == "0" else positive(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1–65535)")
    return number


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
