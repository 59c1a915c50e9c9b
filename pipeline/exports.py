"""CSV exports for distributors: UTF-8, ISO dates, stable columns, spreadsheet formulas neutralised."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.config import Config
from pipeline.stores.base import Filter, Store

# OWASP CSV injection: a cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
DAILY_COLUMNS = ["date", "film", "mentions", "positive", "negative", "neutral", "net_sentiment"]


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def daily(
    store: Store, config: Config, film: str, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """One row per day for a film: counts, sentiment, one `<source>_mentions` column per source."""
    where = Filter(films=(film,), start=start, end=end, timezone=config.project.timezone)
    sources = type(config.sources).post_sources()
    source_columns = [f"{s}_mentions" for s in sources]
    by_sentiment = store.sentiment(where)
    by_source = store.counts(where, ["source"])
    if by_sentiment.empty:
        return pd.DataFrame(columns=[*DAILY_COLUMNS, *source_columns])
    days = pd.date_range(
        start or by_sentiment["period"].min(), end or by_sentiment["period"].max(), freq="D"
    ).date
    frame = pd.DataFrame({"date": days, "film": film})
    sentiment = by_sentiment.rename(
        columns={
            "period": "date",
            "posts": "mentions",
            "pos": "positive",
            "neg": "negative",
            "neu": "neutral",
            "net": "net_sentiment",
        }
    )
    frame = frame.merge(sentiment.drop(columns=["film"]), on="date", how="left")
    wide = by_source.pivot_table(
        index="period", columns="source", values="posts", aggfunc="sum", fill_value=0
    )
    wide = (
        wide.reindex(columns=sources, fill_value=0)
        .add_suffix("_mentions")
        .rename_axis("date")
        .reset_index()
    )
    frame = frame.merge(wide, on="date", how="left")
    counts = ["mentions", "positive", "negative", "neutral", *source_columns]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["net_sentiment"] = frame["net_sentiment"].fillna(0.0).round(4)
    return frame[[*DAILY_COLUMNS, *source_columns]]


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> Path:
    """Write atomically, every text cell neutralised, dates as ISO 8601."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: neutralise(v.isoformat() if isinstance(v, date) else v)
            )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    safe.to_csv(tmp, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n")
    os.replace(tmp, path)
    return path
