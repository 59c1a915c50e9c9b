"""One entry point per export kind, and the scheduled exports: every kind into a folder,
with dated names (`daily-2026-03-14.csv`), rewritten atomically if run again the same day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from pipeline.config import Config
from pipeline.exports import tables
from pipeline.exports.daily import daily, daily_columns
from pipeline.exports.safe import Format, write_table
from pipeline.stores.base import Store

KINDS = ("daily", "posts", "territories", "aspects")


TITLE = "film_title"  # the last column of every kind: the film's title from the config


def columns(kind: str, config: Config) -> list[str]:
    """The documented columns of an export kind, in order."""
    base = {
        "daily": daily_columns(config),
        "posts": tables.POST_COLUMNS,
        "territories": tables.TERRITORY_COLUMNS,
        "aspects": tables.ASPECT_COLUMNS,
    }[kind]
    return [*base, TITLE]


def build(
    kind: str, store: Store, config: Config, films: Sequence[str] = (),
    start: date | None = None, end: date | None = None,
) -> pd.DataFrame:  # fmt: skip
    """The rows of one export kind for the films (default: every tracked film)."""
    frame = _rows(kind, store, config, films, start, end)
    titles = {film.slug: film.title for film in config.films}
    frame[TITLE] = [titles.get(str(slug)) for slug in frame["film"]] if len(frame) else []
    return frame.reindex(columns=columns(kind, config))


def _rows(
    kind: str, store: Store, config: Config, films: Sequence[str],
    start: date | None, end: date | None,
) -> pd.DataFrame:  # fmt: skip
    slugs = [config.film(f).slug for f in films] or [f.slug for f in config.films]
    if kind == "daily":
        frames = [daily(store, config, slug, start, end) for slug in slugs]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=daily_columns(config))
        return pd.concat(frames, ignore_index=True)
    if kind == "posts":
        return tables.posts(store, config, slugs, start, end)
    if kind == "territories":
        return tables.territories(store, config, slugs, start, end, local_today(config))
    return tables.aspects(store, config, slugs, start, end)


def local_today(config: Config) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(config.project.timezone)).date()


def export_folder(config: Config) -> Path:
    folder = config.exports.folder
    return folder if folder.is_absolute() else (config.path.parent / folder).resolve()


def scheduled_exports(
    store: Store, config: Config, folder: Path | None = None, today: date | None = None
) -> list[Path]:
    """Every configured kind for every film into the exports folder, named by today's date."""
    options = config.exports
    today = today or local_today(config)
    start = today - timedelta(days=options.days) if options.days else None
    folder = folder or export_folder(config)
    written = []
    for kind in options.kinds:
        frame = build(kind, store, config, (), start, None)
        path = folder / f"{kind}-{today.isoformat()}.{options.format}"
        written.append(write_table(frame, path, options.format, bom=options.bom))
    return written


def format_for(path: Path, requested: str | None) -> Format:
    """The format asked for, else the one the file name says (`.xlsx`), else CSV."""
    if requested in ("csv", "xlsx"):
        return requested  # type: ignore[return-value]
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
