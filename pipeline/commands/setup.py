"""Commands that set a project up: init (a starter config) and check (config and sources)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.commands.common import config_from, console, host_map_from, out, warn_about
from pipeline.errors import ConfigError
from pipeline.starter import NO_KEY_SOURCES, Answers, FilmAnswer


def cmd_init(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.starter import render_starter, write_starter

    path = Path(args.config)
    if path.exists() and not args.force:  # before asking anything
        raise ConfigError(
            f"{path}: already exists; give another --config, or --force to replace it"
        )
    text = render_starter(_answers(args), path)
    write_starter(path, text, force=args.force)
    out.print(f"wrote {path}")
    warn_about(load_config(path))
    out.print(
        "next: add each film's other titles, people, genres and ids (docs/guide.md explains "
        f"every field), then `filmbuzz check --config {path}` and `filmbuzz run --config {path}`"
    )
    return 0


def _answers(args: argparse.Namespace) -> Answers:
    from pipeline.starter import check_sources, parse_film

    # Asks only when a required answer is missing, and then for everything no flag gave.
    asking = sys.stdin.isatty() and not args.no_input and not (args.contact and args.film)
    if not asking and (not args.contact or not args.film):
        raise ConfigError(
            "init: give --contact and at least one --film 'Title (Year)' "
            "(or run it in a terminal to be asked)"
        )
    name = args.name or (
        _ask("Project name (your company or team)", "filmbuzz") if asking else "filmbuzz"
    )
    contact = args.contact or _ask("Contact e-mail or web page (sites see it in our User-Agent)")
    films = [parse_film(f) for f in args.film] or _ask_films()
    sources = args.source or (_ask_sources() if asking else list(NO_KEY_SOURCES))
    timezone = args.timezone or (_ask("Time zone (IANA name)", "UTC") if asking else "UTC")
    return Answers(name, contact, films, check_sources(sources), timezone)


def _ask(question: str, default: str | None = None) -> str:
    from rich.prompt import Prompt

    while True:
        answer = Prompt.ask(question, console=console, default=default) or ""
        if answer.strip():
            return answer.strip()


def _ask_films() -> list[FilmAnswer]:
    from rich.prompt import Prompt

    from pipeline.starter import parse_film

    films: list[FilmAnswer] = []
    while True:
        label = "A film, as 'Title (Year)'" + (" (empty: done)" if films else "")
        answer = (Prompt.ask(label, console=console, default="", show_default=False) or "").strip()
        if not answer and films:
            return films
        if answer:
            try:
                films.append(parse_film(answer))
            except ConfigError as exc:
                console.print(str(exc), markup=False, highlight=False)


def _ask_sources() -> list[str]:
    answer = _ask(
        "Sources, comma-separated (bluesky, reddit, youtube and x need keys)",
        ",".join(NO_KEY_SOURCES),
    )
    return [s.strip() for s in answer.split(",") if s.strip()]


def cmd_check(args: argparse.Namespace) -> int:
    from pipeline.stages.check import check_sources

    config = config_from(args)
    names = ", ".join(f.slug for f in config.films)
    out.print(f"{config.path}: valid; {len(config.films)} film(s): {names}", markup=False)
    warn_about(config)
    failed = not _data_folder_writable(config.data_dir)
    with console.status("checking each source…"):
        results = check_sources(config, os.environ, host_map_from(args))
    for result in results:
        out.print(f"{result.source:<11} {result.status:<5} {result.message}", markup=False)
    return 1 if failed or any(r.status == "fail" for r in results) else 0


def _data_folder_writable(folder: Path) -> bool:
    probe = folder / ".filmbuzz-check"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        out.print(f"{'data':<11} fail  {folder}: not writable ({exc.strerror})", markup=False)
        return False
    out.print(f"{'data':<11} ok    {folder}", markup=False)
    return True
