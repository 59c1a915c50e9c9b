"""What every command shares: the two consoles, reading the config, printing a crawl."""

from __future__ import annotations

import argparse
import json
from datetime import date

from rich.console import Console

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, highlight=False)
SENTIMENT_DATA = "../shared/data/sentiment"  # or $FILMBUZZ_SENTIMENT_DATA


def config_from(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def warn_about(config: Config) -> None:
    """Say what in the config works but should not stay as it is: after the command's own
    output, so that a refused command still answers in one line."""
    from pipeline.starter import contact_warning

    warning = contact_warning(config)
    if warning:
        console.print(warning, markup=False, highlight=False)


def host_map_from(args: argparse.Namespace) -> dict[str, str] | None:
    """The hidden `--host-map` (real host -> local stand-in, for the replay site)."""
    try:
        host_map = json.loads(args.host_map) if args.host_map else None
    except ValueError:
        host_map = []
    if host_map is not None and not isinstance(host_map, dict):
        raise ConfigError('--host-map: not a JSON object like {"host": "127.0.0.1:8000"}')
    return host_map


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
