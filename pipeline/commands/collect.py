"""Commands that collect and index: crawl, sources, listen, enrich, index, compact, run, status.

Every one that writes the lake or the store holds the run lock (`pipeline.jobs.lock`); when
another holds it, `pipeline.cli` prints one line and exits 3.
"""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.commands.common import (
    config_from,
    console,
    host_map_from,
    out,
    print_crawl,
    warn_about,
)
from pipeline.errors import ConfigError
from pipeline.jobs.lock import RunLock


def cmd_crawl(args: argparse.Namespace) -> int:
    from pipeline.stages.crawl import crawl

    config = config_from(args)
    with RunLock(config.data_dir, "crawl"), console.status("crawling…"):
        result = crawl(
            config, args.source or None, films=args.film or None, backfill_days=args.backfill
        )
    print_crawl(result)
    warn_about(config)
    return 1 if result.error_lines and not result.posts and not result.signals else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from pipeline.stages.sources import source_statuses

    rows = source_statuses(config_from(args))  # a config error comes before any output
    out.print(f"{'source':<18} {'on':<3} {'last run':<25} {'last success':<25} {'status':<8} "
              f"{'posts':>6} {'signals':>7} {'errors':>6} {'quarantined':>11}  credentials")  # fmt: skip
    for row in rows:
        out.print(
            f"{row.name:<18} {'yes' if row.enabled else 'no':<3} {row.last_run or 'never':<25} "
            f"{row.last_success or 'never':<25} {row.status:<8} {row.posts:>6} {row.signals:>7} "
            f"{row.errors:>6} {row.quarantined:>11}  {row.credentials}"
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
    config = config_from(args)
    with (
        RunLock(config.data_dir, "listen"),
        console.status(f"listening to {args.source} for {args.duration}…"),
    ):
        stats = listen(config, args.source, seconds)
    out.print(
        f"{args.source}: {stats.events} events, {stats.posts_seen} posts, {stats.matched} about "
        f"tracked films, {stats.written} new; {stats.reconnects} reconnects"
    )
    if stats.last_error:
        console.print(f"{args.source}: last error: {stats.last_error}", markup=False)
    warn_about(config)
    return 0


def cmd_enrich(args: argparse.Namespace) -> int:
    from pipeline.lake import Lake
    from pipeline.stages.enrich import enrich_lake

    config = config_from(args)
    with RunLock(config.data_dir, "enrich"), console.status("enriching…"):
        count = enrich_lake(Lake(config.data_dir / "lake"), config.films)
    out.print(f"enriched {count} posts")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from pipeline.lake import Lake
    from pipeline.stages.index import check, index
    from pipeline.stores import open_store

    config = config_from(args)
    lake = Lake(config.data_dir / "lake")
    if getattr(args, "check", False):
        store = open_store(config, read_only=True)
        try:
            return _print_check(check(lake, store))
        finally:
            store.close()
    with RunLock(config.data_dir, "index"):
        store = open_store(config)
        try:
            with console.status("indexing…"):
                result = index(lake, store, rebuild=args.rebuild)
        finally:
            store.close()
    _print_compacted(result.compacted)
    out.print(f"indexed {result.posts} posts and {result.signals} signals")
    for problem in result.problems:
        console.print(problem, markup=False, highlight=False)
    return 1 if result.problems else 0


def cmd_compact(args: argparse.Namespace) -> int:
    from pipeline.lake import Lake
    from pipeline.stages.compact import compact

    config = config_from(args)
    with RunLock(config.data_dir, "compact"), console.status("compacting the lake…"):
        removed = compact(Lake(config.data_dir / "lake"))
    _print_compacted(removed)
    if not removed:
        out.print("the lake holds every record once: nothing to compact")
    return 0


def _print_compacted(removed: dict[str, int]) -> None:
    for table, count in removed.items():
        out.print(f"lake/{table}: removed {count} doubled rows (each id is kept once)")


def _print_check(differences: list[Any]) -> int:
    if not differences:
        out.print("store and lake agree: same posts per film and month")
        return 0
    for d in differences:
        out.print(
            f"{d.film:<20} {d.month}  lake {d.lake:>8}  store {d.store:>8}  ({d.store - d.lake:+d})"
        )
    out.print(
        f"{len(differences)} film-months differ; `filmbuzz index` catches up (and compacts a "
        "lake that holds a post twice), `--rebuild` starts over"
    )
    return 1


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.jobs.run import run_job, sigterm_interrupts

    config = config_from(args)
    with sigterm_interrupts(), console.status("running: crawl, enrich, index…"):
        record = run_job(config, _run_options(args))
    from pipeline.jobs.report import print_run

    print_run(record, out, console)
    warn_about(config)
    return record.exit_code


def _run_options(args: argparse.Namespace) -> Any:
    from pipeline.jobs.run import RunOptions

    host_map = host_map_from(args)
    # A host map points at a local stand-in (the replay site): no politeness delays needed.
    return RunOptions(
        sources=args.source or None, host_map=host_map, fast=bool(host_map), scrapyd=args.scrapyd
    )


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.jobs.report import print_status

    print_status(config_from(args), out, limit=args.last)
    return 0
