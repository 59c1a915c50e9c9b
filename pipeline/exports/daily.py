"""The `daily` export: one row per film per day. Columns are documented in docs/exports.md."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipeline.config import Config
from pipeline.stores.base import Filter, Store

DAILY_COLUMNS = ["date", "film", "mentions", "positive", "negative", "neutral", "net_sentiment"]
INTENTS = ("want_to_see", "where_to_watch", "piracy", "watched", "recommend")
# (source, metric) -> column, and how the day's values across keys (editions, trailers) combine.
SIGNALS = {
    ("wikipedia", "pageviews"): ("wikipedia_pageviews", "sum"),
    ("letterboxd", "watches"): ("letterboxd_watches", "max"),
    ("letterboxd", "likes"): ("letterboxd_likes", "max"),
    ("letterboxd", "lists"): ("letterboxd_lists", "max"),
    ("letterboxd", "average_rating"): ("letterboxd_average_rating", "mean"),
    ("youtube", "views"): ("youtube_views", "sum"),
}
# Snapshot metrics (totals as read on a crawl day): each day carries the latest reading made by
# then, or the first one made after it when none was; `<source>_read_on` says which.
SNAPSHOTS = {"letterboxd": "letterboxd_read_on", "youtube": "youtube_read_on"}
RATIO_COLUMNS = ["positive_ratio", "negative_ratio", "neutral_ratio"]
CHANGE_COLUMNS = [
    "share_of_voice", "mentions_previous_day", "mentions_change", "mentions_7d",
    "mentions_previous_7d", "mentions_7d_change_pct",
]  # fmt: skip
PREVIOUS = 13  # days read before `start`, so the first rows have their previous period


def source_columns(config: Config) -> list[str]:
    return [f"{s}_mentions" for s in type(config.sources).post_sources()]


def daily_columns(config: Config) -> list[str]:
    """Every column of the daily export, in order."""
    return [
        *DAILY_COLUMNS, *source_columns(config), *RATIO_COLUMNS,
        *(f"intent_{i}" for i in INTENTS), *(c for c, _ in SIGNALS.values()), *CHANGE_COLUMNS,
        *SNAPSHOTS.values(),
    ]  # fmt: skip


def daily(
    store: Store, config: Config, film: str, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """One row per day for a film, from its first mention (or `start`) to its last (or `end`)."""
    early = start - timedelta(days=PREVIOUS) if start else None
    where = Filter(films=(film,), start=early, end=end, timezone=config.project.timezone)
    by_sentiment = store.sentiment(where)
    if by_sentiment.empty:
        return pd.DataFrame(columns=daily_columns(config))
    first = early or by_sentiment["period"].min()
    days = pd.date_range(first, end or by_sentiment["period"].max(), freq="D").date
    frame = pd.DataFrame({"date": days, "film": film})
    frame = _merge(frame, _sentiment(by_sentiment))
    frame = _merge(frame, _sources(store, where, config))
    frame = _merge(frame, _intents(store, where))
    counts = ["mentions", "positive", "negative", "neutral", *source_columns(config)]
    counts += [f"intent_{i}" for i in INTENTS]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["net_sentiment"] = frame["net_sentiment"].fillna(0.0).round(4)
    for label in ("positive", "negative", "neutral"):
        frame[f"{label}_ratio"] = _ratio(frame[label], frame["mentions"])
    readings = store.signals(replace(where, start=None, end=None))
    frame = _merge(frame, _signals(readings))
    frame = _latest_known(frame, readings)
    frame = _merge(frame, _share_of_voice(store, config, where))
    frame = _changes(frame)
    if start:
        frame = frame[frame["date"] >= start].reset_index(drop=True)
    return frame.reindex(columns=daily_columns(config))


def _merge(frame: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    return (
        frame.merge(other, on="date", how="left")
        if not other.empty
        else frame.assign(**{c: np.nan for c in other.columns if c != "date"})
    )


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).round(4)


def _sentiment(by_sentiment: pd.DataFrame) -> pd.DataFrame:
    names = {"period": "date", "posts": "mentions", "pos": "positive", "neg": "negative",
             "neu": "neutral", "net": "net_sentiment"}  # fmt: skip
    return by_sentiment.rename(columns=names).drop(columns=["film"])


def _wide(
    frame: pd.DataFrame, column: str, names: list[str], prefix: str, suffix: str
) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["date", *(f"{prefix}{n}{suffix}" for n in names)])
    wide = frame.pivot_table(
        index="period", columns=column, values="posts", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=names, fill_value=0).add_prefix(prefix).add_suffix(suffix)
    wide.columns.name = None
    return wide.rename_axis("date").reset_index()


def _sources(store: Store, where: Filter, config: Config) -> pd.DataFrame:
    sources = type(config.sources).post_sources()
    return _wide(store.counts(where, ["source"]), "source", sources, "", "_mentions")


def _intents(store: Store, where: Filter) -> pd.DataFrame:
    return _wide(store.counts(where, ["intent"]), "intent", list(INTENTS), "intent_", "")


def _signals(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["date", *(c for c, _ in SIGNALS.values())]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    parts = []
    for (source, metric), (column, how) in SIGNALS.items():
        rows = frame[(frame["source"] == source) & (frame["metric"] == metric)]
        if not rows.empty:
            parts.append(rows.groupby("day")["value"].agg(how).rename(column))
    if not parts:
        return pd.DataFrame(columns=columns)
    wide = pd.concat(parts, axis=1).rename_axis("date").reset_index()
    wide["date"] = [d if isinstance(d, date) else pd.Timestamp(d).date() for d in wide["date"]]
    return wide.reindex(columns=columns)


def _latest_known(frame: pd.DataFrame, readings: pd.DataFrame) -> pd.DataFrame:
    """Snapshot columns on every day: the latest reading on or before it, else the first after."""
    for source, read_on in SNAPSHOTS.items():
        mine = [(c, how) for (s, m), (c, how) in SIGNALS.items() if s == source]
        rows = readings[readings["source"] == source] if len(readings) else readings
        frame[read_on] = None
        if rows.empty:
            continue
        wide = _signals(rows).dropna(how="all", subset=[c for c, _ in mine])
        wide = wide[["date", *(c for c, _ in mine)]].assign(**{read_on: wide["date"]})
        wide = wide.sort_values("date").rename(columns={"date": "on"})
        days = pd.DataFrame({"on": pd.to_datetime(frame["date"])})
        wide["on"] = pd.to_datetime(wide["on"])
        before = pd.merge_asof(days, wide, on="on", direction="backward")
        after = pd.merge_asof(days, wide, on="on", direction="forward")
        for column in [*(c for c, _ in mine), read_on]:
            frame[column] = before[column].where(before[read_on].notna(), after[column]).to_numpy()
    return frame


def _share_of_voice(store: Store, config: Config, where: Filter) -> pd.DataFrame:
    every = Filter(films=tuple(f.slug for f in config.films), start=where.start, end=where.end,
                   timezone=where.timezone)  # fmt: skip
    volume = store.volume(every)
    if volume.empty:
        return pd.DataFrame(columns=["date", "share_of_voice"])
    total = volume.groupby("period")["posts"].sum()
    mine = volume[volume["film"] == where.films[0]].set_index("period")["posts"]
    share = (mine.reindex(total.index, fill_value=0) / total).round(4)
    return share.rename("share_of_voice").rename_axis("date").reset_index()


def _changes(frame: pd.DataFrame) -> pd.DataFrame:
    mentions = frame["mentions"]
    frame["mentions_previous_day"] = mentions.shift(1, fill_value=0).astype("int64")
    frame["mentions_change"] = (mentions - frame["mentions_previous_day"]).astype("int64")
    frame["mentions_7d"] = mentions.rolling(7, min_periods=1).sum().astype("int64")
    frame["mentions_previous_7d"] = frame["mentions_7d"].shift(7, fill_value=0).astype("int64")
    before = frame["mentions_previous_7d"]
    frame["mentions_7d_change_pct"] = (
        100 * (frame["mentions_7d"] - before) / before.where(before > 0)
    ).round(1)
    frame["share_of_voice"] = frame["share_of_voice"].fillna(0.0)
    return frame
