"""Pure numbers behind the overview and compare pages: periods, momentum, spikes, alignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from pipeline.alerts import detect
from pipeline.config import Film

Anchor = Literal["premiere", "release"]
Norm = Literal["peak", "total", "none"]
DEFAULT_DAYS = 28


@dataclass(frozen=True)
class Spike:
    day: date
    posts: int
    baseline: float


def period(start: date | None, end: date | None, last: date | None) -> tuple[date, date]:
    """The period to summarise: the filter's dates, else the DEFAULT_DAYS ending on `last`."""
    end = end or last or date.today()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    return (start, end) if start <= end else (end, start)


def previous(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before [start, end]."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def momentum(current: int, before: int) -> float | None:
    """Relative change against the previous period; None when there was nothing before."""
    return None if before == 0 else (current - before) / before


def daily(volume: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Posts per day from `volume` (period, posts) on every day of [start, end], zeros filled."""
    days = pd.date_range(start, end, freq="D")
    if volume.empty:
        return pd.Series(0, index=days, dtype="int64")
    series = volume.groupby(pd.to_datetime(volume["period"]))["posts"].sum()
    return series.reindex(days, fill_value=0).astype("int64")


def filled(volume: pd.DataFrame, start: date, end: date, unit: str) -> pd.Series:
    """Posts per day or week (a week starts on Monday) from `volume` (period, posts) over
    [start, end], 0 where none."""
    if unit != "week":
        return daily(volume, start, end)
    first = start - timedelta(days=start.weekday())
    weeks = pd.date_range(first, end, freq="7D")
    if volume.empty:
        return pd.Series(0, index=weeks, dtype="int64")
    series = volume.groupby(pd.to_datetime(volume["period"]))["posts"].sum()
    return series.reindex(weeks, fill_value=0).astype("int64")


def spikes(series: pd.Series, judge_from: int = 0) -> list[Spike]:
    """Days far above the film's own recent days, by the alerts' count-aware test (so the
    overview and the alerts agree on what a spike is); days before `judge_from` are not judged."""
    counts = [int(v) for v in series.to_numpy()]
    days = [pd.Timestamp(d).date() for d in series.index]
    return [
        Spike(days[i], verdict.count, verdict.baseline.mean)
        for i, verdict in detect.spikes(counts, judge_from=judge_from)
    ]


def anchor_day(film: Film, anchor: Anchor) -> date | None:
    """The film's premiere (first festival or release event) or first release, if known."""
    if anchor == "release":
        days = [r.date for r in film.releases] + [
            e.date for e in film.events if e.kind == "release"
        ]
    else:
        days = [e.date for e in film.events if e.kind in ("festival", "release")]
        days += [r.date for r in film.releases]
    return min(days) if days else None


def aligned(
    volume: pd.DataFrame, films: list[Film], anchor: Anchor, norm: Norm, smooth: int = 7
) -> pd.DataFrame:
    """Columns film, offset (days since the anchor), value: each film's daily posts, smoothed
    over `smooth` days and normalised (`peak` = 100 at the film's busiest, `total` = % of all)."""
    parts = []
    for film in films:
        day = anchor_day(film, anchor)
        rows = volume[volume["film"] == film.slug]
        if day is None or rows.empty:
            continue
        first, last = (
            pd.to_datetime(rows["period"]).min().date(),
            pd.to_datetime(rows["period"]).max().date(),
        )
        # From the first collected post only: before it there is no data, which is not "0".
        series = daily(rows, first, last).rolling(smooth, min_periods=1).mean()
        value = _normalised(series, norm)
        offsets = [(d.date() - day).days for d in series.index]
        parts.append(
            pd.DataFrame({"film": film.slug, "offset": offsets, "value": value.to_numpy()})
        )
    if not parts:
        return pd.DataFrame({"film": [], "offset": [], "value": []})
    return pd.concat(parts, ignore_index=True)


def _normalised(series: pd.Series, norm: Norm) -> pd.Series:
    if norm == "peak" and series.max() > 0:
        return series / series.max() * 100
    if norm == "total" and series.sum() > 0:
        return series / series.sum() * 100
    return series
