"""What every command shares: the two consoles, reading the config, printing a crawl."""

from __future__ import annotations

import argparse
from datetime import date

from rich.console import Console

from pipeline.config import Config, load_config

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, highlight=False)
SENTIMENT_DATA = "../shared/data/sentiment"  # or $FILMBUZZ_SENTIMENT_DATA


def config_from(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def print_crawl(result: object) -> None:
    for name, stats in result.sources.items():  # type: ignore[attr-defined]
        out.print(
            f"{name:<12} {stats['posts']:>6} new posts {stats['signals']:>6} new signals {stats['errors']:>3} errors"
        )
    for line in getattr(result, "skipped", {}).values():
        console.print(line, markup=False, highlight=False)
    for line in result.error_lines[:20]:  # type: ignore[attr-defined]
        console.print(f"[yellow]{line}[/yellow]", markup=True, highlight=False)


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-14") from None
