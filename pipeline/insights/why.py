"""Why a film's buzz moved: a period (a spike day, any day or week) against the film's own
baseline, the `BASELINE_DAYS` before it.

What is different: the terms and phrases that rose most (`terms.risen`), the posts and authors
that carried the period, the sources, languages and countries that grew beyond their usual
daily share, and the event from the config that the period follows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from pipeline.config import Film
from pipeline.insights.terms import Sample, Term, names_of, risen, term_counts
from pipeline.stores.base import Filter, Store

BASELINE_DAYS = 28
SAMPLE = 1500  # posts read per span for terms (an even sample beyond that: ids are hashes)
EVENT_DAYS = 14  # an event this long before the period still explains it
DIMENSIONS = (("source", "Source"), ("lang", "Language"), ("country", "Country"))


@dataclass(frozen=True)
class Growth:
    """A source, language or country: its posts in the period and the number expected at its
    baseline daily rate."""

    dimension: str
    value: str
    posts: int
    expected: float


@dataclass(frozen=True)
class Event:
    day: date
    kind: str
    label: str


@dataclass(frozen=True)
class Explanation:
    film: str
    start: date
    end: date
    posts: int
    baseline_posts: int
    baseline_days: int
    terms: list[Term]
    growth: list[Growth]
    top_posts: pd.DataFrame  # Store.top_posts columns
    authors: pd.DataFrame  # Store.authors columns
    event: Event | None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def usual(self) -> float:
        """Posts expected in the period at the baseline's daily rate."""
        return self.baseline_posts / max(self.baseline_days, 1) * self.days

    def summary(self, terms: int = 3) -> str:
        """One line for an alert: what rose, where it grew, what it follows."""
        parts = []
        if self.terms:
            named = ", ".join(f'"{t.text}" ({t.posts})' for t in self.terms[:terms])
            parts.append(f"rising: {named}")
        grown = [g for g in self.growth if g.posts > g.expected][:3]
        if grown:
            parts.append(
                "grew most: " + ", ".join(f"{g.value} (+{g.posts - g.expected:.0f})" for g in grown)
            )
        if len(self.authors):
            first = self.authors.iloc[0]
            parts.append(
                f"top author: {first['author']} on {first['source']} ({int(first['posts'])} posts)"
            )
        if self.event:
            parts.append(
                f"follows {self.event.label} ({self.event.kind}, {self.event.day.isoformat()})"
            )
        return "; ".join(parts) if parts else "nothing stands out from the usual days"


def explain(
    store: Store, film: Film, where: Filter, start: date, end: date, limit: int = 5
) -> Explanation:
    """Why `film` moved over [start, end] (local days) under `where` (its other filters)."""
    period = replace(where, films=(film.slug,), start=start, end=end)
    before = replace(
        period, start=start - timedelta(days=BASELINE_DAYS), end=start - timedelta(days=1)
    )
    # One film, and one source, language and country per post: these sum to distinct posts.
    # One query for both spans: per day, split here.
    daily = store.counts(
        replace(period, start=before.start, granularity="day"), [d for d, _ in DIMENSIONS]
    )
    day = pd.to_datetime(daily["period"]).dt.date
    now, then = daily[day >= start], daily[day < start]
    posts, baseline_posts = int(now["posts"].sum()), int(then["posts"].sum())
    days = (end - start).days + 1
    return Explanation(
        film=film.slug,
        start=start,
        end=end,
        posts=posts,
        baseline_posts=baseline_posts,
        baseline_days=BASELINE_DAYS,
        terms=risen(
            _sample(store, period, posts, days),
            _sample(store, before, baseline_posts, BASELINE_DAYS),
            names=names_of([film.title, *film.titles, *film.aliases, film.slug]),
        ),
        growth=growth(now, then, days),
        top_posts=store.top_posts(period, limit=limit),
        authors=store.authors(period, "posts", limit),
        event=follows(film, start, end),
    )


def _sample(store: Store, where: Filter, total: int, days: int) -> Sample:
    texts = store.post_texts(where, SAMPLE)
    return Sample(term_counts(texts), len(texts), total, days)


def growth(now: pd.DataFrame, then: pd.DataFrame, days: int) -> list[Growth]:
    """Per dimension, the values whose posts rose most above their baseline daily rate."""
    found = []
    for dimension, _ in DIMENSIONS:
        current = now.groupby(dimension)["posts"].sum() if len(now) else pd.Series(dtype="int64")
        usual = then.groupby(dimension)["posts"].sum() if len(then) else pd.Series(dtype="int64")
        for value, posts in current.items():
            expected = float(usual.get(value, 0)) / BASELINE_DAYS * days
            if str(value) != "unknown" and posts > expected:
                found.append(Growth(dimension, str(value), int(posts), expected))
    return sorted(found, key=lambda g: (-(g.posts - g.expected), g.dimension, g.value))


def follows(film: Film, start: date, end: date) -> Event | None:
    """The film's latest event or release on or before `end`, no more than EVENT_DAYS before
    `start`."""
    events = [Event(e.date, e.kind, e.label) for e in film.events]
    events += [Event(r.date, "release", f"{r.country} {r.kind} release") for r in film.releases]
    near = [e for e in events if start - timedelta(days=EVENT_DAYS) <= e.day <= end]
    return max(near, key=lambda e: (e.day, e.label)) if near else None


def why_details(found: Explanation) -> dict[str, object]:
    """The explanation as plain JSON values (for an alert's details)."""
    return {
        "terms": [
            {"text": t.text, "posts": t.posts, "per_day_before": round(t.per_day_before, 2)}
            for t in found.terms
        ],
        "grew": [
            {
                "by": g.dimension,
                "value": g.value,
                "posts": g.posts,
                "expected": round(g.expected, 2),
            }
            for g in found.growth[:6]
        ],
        "authors": [
            {"source": str(a.source), "author": str(a.author), "posts": int(a.posts)}
            for a in found.authors.itertuples()
        ],
        "posts": [str(url) for url in found.top_posts["url"]],
        "follows": {
            "day": found.event.day.isoformat(),
            "kind": found.event.kind,
            "label": found.event.label,
        }
        if found.event
        else None,
    }
