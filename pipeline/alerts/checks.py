"""What is alert-worthy today, read from the Store: spikes, new countries, where-to-watch asks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from pipeline.alerts.detect import judge, upper_tail
from pipeline.availability import Availability
from pipeline.config import Config, Film
from pipeline.insights.why import explain, why_details
from pipeline.stores.base import Filter, Store

WEEK = 7
WHERE_TO_WATCH_P = 0.01  # a week of asks against the four weeks before


@dataclass(frozen=True)
class Alert:
    kind: str  # spike, new_country, where_to_watch
    key: str  # the same thing always has the same key: an alert fires once per key
    film: str
    day: date
    message: str
    country: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat()}


def find_alerts(store: Store, config: Config, today: date) -> list[Alert]:
    alerts: list[Alert] = []
    for film in config.films:
        alerts += spike_alerts(store, config, film, today)
        alerts += new_country_alerts(store, config, film, today)
        alerts += where_to_watch_alerts(store, config, film, today)
    return alerts


def _daily(frame: pd.DataFrame, start: date, end: date) -> list[int]:
    by_day = {p: int(n) for p, n in zip(frame["period"], frame["posts"], strict=True)}
    return [by_day.get(start + timedelta(days=i), 0) for i in range((end - start).days + 1)]


def spike_alerts(store: Store, config: Config, film: Film, today: date) -> list[Alert]:
    options = config.alerts
    start = today - timedelta(days=options.baseline_days + options.lookback_days - 1)
    where = Filter(films=(film.slug,), start=start, end=today, timezone=config.project.timezone)
    counts = _daily(store.volume(where), start, today)
    alerts = []
    for index in range(len(counts) - options.lookback_days, len(counts)):
        history = counts[max(0, index - options.baseline_days) : index]
        verdict = judge(history, counts[index], options.p_value, options.min_increase)
        if verdict is None or not verdict.spike:
            continue
        day = start + timedelta(days=index)
        normal = verdict.baseline.mean
        found = explain(store, film, replace(where, start=None, end=None), day, day)
        alerts.append(Alert(
            "spike", f"spike:{film.slug}:{day.isoformat()}", film.slug, day,
            f"{film.title}: {verdict.count} posts on {day.isoformat()}, about {normal:.1f} on a "
            f"normal day (p = {verdict.p_value:.1e}). Why: {found.summary()}",
            details={"count": verdict.count, "baseline": round(normal, 2),
                     "p_value": verdict.p_value, "why": why_details(found)},
        ))  # fmt: skip
    return alerts


def new_country_alerts(store: Store, config: Config, film: Film, today: date) -> list[Alert]:
    where = Filter(films=(film.slug,), end=today, timezone=config.project.timezone)
    frame = store.counts(where, ["country"])
    if frame.empty:
        return []
    film_first = frame["period"].min()
    since = today - timedelta(days=config.alerts.lookback_days - 1)
    known = frame[frame["country"] != "unknown"]
    firsts = known.groupby("country")["period"].min()
    alerts = []
    for country, first in firsts.items():
        if first < since or first <= film_first:  # not new, or the film's very first buzz
            continue
        posts = int(known[known["country"] == country]["posts"].sum())
        alerts.append(Alert(
            "new_country", f"new_country:{film.slug}:{country}", film.slug, first,
            f"{film.title}: first posts from {country} ({posts} since {first.isoformat()})",
            country=str(country), details={"posts": posts},
        ))  # fmt: skip
    return alerts


def where_to_watch_alerts(store: Store, config: Config, film: Film, today: date) -> list[Alert]:
    start = today - timedelta(days=5 * WEEK - 1)
    where = Filter(films=(film.slug,), start=start, end=today, timezone=config.project.timezone)
    frame = store.counts(where, ["country", "intent"])
    if frame.empty:
        return []
    asks = frame[(frame["intent"] == "where_to_watch") & (frame["country"] != "unknown")]
    recent_from = today - timedelta(days=WEEK - 1)
    known = Availability.of(film, store.signals(Filter(films=(film.slug,))))
    alerts = []
    for country, rows in asks.groupby("country"):
        if known.status(str(country), today) in ("released", "on_demand"):
            continue
        recent = int(rows[rows["period"] >= recent_from]["posts"].sum())
        before = int(rows[rows["period"] < recent_from]["posts"].sum()) / 4
        if recent < config.alerts.where_to_watch_min or recent <= before:
            continue
        tail = upper_tail(recent, max(before, 0.5), None)
        if tail >= WHERE_TO_WATCH_P:
            continue
        week = "{}-W{:02d}".format(*today.isocalendar()[:2])
        alerts.append(Alert(
            "where_to_watch", f"where_to_watch:{film.slug}:{country}:{week}", film.slug, today,
            f"{film.title}: {recent} where-to-watch asks from {country} this week (about "
            f"{before:.1f} a week before), and no release there yet",
            country=str(country), details={"week": recent, "weekly_before": before},
        ))  # fmt: skip
    return alerts
