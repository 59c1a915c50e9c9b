"""Where and when a film can be seen, and how much people ask for it: one definition, used by
the demand map, the territories export, the report and the where-to-watch alerts.

**Release status** of a film in a country on a day (`status`), best first:

- `on_demand`: watchable at home — the latest TMDB offer check on or before that day lists a
  streaming, free, with-ads, rent or buy offer there, or a digital, physical or TV release (TMDB
  types 4-6, or a config release of kind streaming/vod/tv) is dated on or before it;
- `released`: in cinemas — a theatrical release (TMDB types 2-3, or config `theatrical`) dated
  on or before that day;
- `announced`: a release dated after that day;
- `none`: nothing known. A premiere (TMDB type 1, a festival screening) is not a release.

The config's `[[films.releases]]` override TMDB's release dates country by country: a country
the config lists takes its dates from the config only. Offers always come from TMDB (JustWatch).

**The day judged** (`as_of`) is the last day of the period looked at: its end when one is set,
else the last day with posts, else today; alerts judge today.

**Demand** in a country is want-to-see + where-to-watch + piracy posts there (a post with two
of these intents counts twice). Only the audience's country (the post's `country`) counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.config import Film

DEMAND_INTENTS = ("want_to_see", "where_to_watch", "piracy")
HOME_OFFERS = ("flatrate", "free", "ads")  # streaming with a subscription, free, with ads
PAID_OFFERS = ("rent", "buy")
OFFER_KINDS = HOME_OFFERS + PAID_OFFERS
RELEASE_TYPES = {1: "premiere", 2: "theatrical_limited", 3: "theatrical", 4: "digital",
                 5: "physical", 6: "tv"}  # fmt: skip
CINEMA_KINDS = frozenset({"theatrical", "theatrical_limited"})
HOME_KINDS = frozenset({"digital", "physical", "tv", "streaming", "vod"})
STATUSES = ("on_demand", "released", "announced", "none")
STATUS_NAMES = {
    "on_demand": "Streaming, rent or buy",
    "released": "Released in cinemas",
    "announced": "Release scheduled",
    "none": "No release known",
}
ATTRIBUTION = "Where-to-watch data: JustWatch, via TMDB (not endorsed or certified by TMDB)."


@dataclass(frozen=True)
class Release:
    country: str
    day: date
    kind: str  # premiere, theatrical_limited, theatrical, digital, physical, tv, streaming, vod
    source: str  # config or tmdb


@dataclass(frozen=True)
class Offer:
    country: str
    kind: str  # flatrate, free, ads, rent, buy
    provider: str
    seen: date


@dataclass
class Availability:
    """A film's releases and TMDB offers, read from its config and its `tmdb` signals."""

    film: str
    releases: list[Release] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    checks: list[date] = field(default_factory=list)  # days TMDB's offers were read
    tmdb_id: int | None = None

    @classmethod
    def of(cls, film: Film, signals: pd.DataFrame | None = None) -> Availability:
        """`signals`: the film's signals (columns source, metric, key, day, value)."""
        configured = [Release(r.country, r.date, r.kind, "config") for r in film.releases]
        found = cls(film.slug, configured)
        if signals is not None and len(signals):
            found._read_tmdb(signals[signals["source"] == "tmdb"])
        return found

    def _read_tmdb(self, rows: pd.DataFrame) -> None:
        overridden = {r.country for r in self.releases}
        for row in rows.itertuples():
            day = pd.Timestamp(row.day).date()
            parts = str(row.key).split("|")
            if row.metric == "release" and parts[0] not in overridden:
                kind = RELEASE_TYPES.get(int(row.value), "theatrical")
                self.releases.append(Release(parts[0], day, kind, "tmdb"))
            elif row.metric == "offer" and len(parts) == 3:
                self.offers.append(Offer(parts[0], parts[1], parts[2], day))
            elif row.metric == "offers_checked":
                self.checks.append(day)
            elif row.metric == "tmdb_id":
                self.tmdb_id = int(row.value)

    def countries(self) -> set[str]:
        return {r.country for r in self.releases} | {o.country for o in self.offers}

    def offers_on(self, country: str, day: date) -> list[Offer]:
        """The offers of the latest check on or before `day` (none if none was made by then)."""
        checks = [d for d in self.checks if d <= day]
        if not checks:
            return []
        latest = max(checks)
        return [o for o in self.offers if o.country == country and o.seen == latest]

    def latest_offers(self, country: str) -> list[Offer]:
        return self.offers_on(country, max(self.checks)) if self.checks else []

    def status(self, country: str, day: date) -> str:
        """`on_demand`, `released`, `announced` or `none` (the module's docstring says how)."""
        dated = [r for r in self.releases if r.country == country and r.kind != "premiere"]
        if self.offers_on(country, day) or any(
            r.kind in HOME_KINDS and r.day <= day for r in dated
        ):
            return "on_demand"
        if any(r.kind in CINEMA_KINDS and r.day <= day for r in dated):
            return "released"
        return "announced" if any(r.day > day for r in dated) else "none"

    def first_release(self, country: str) -> Release | None:
        dated = [r for r in self.releases if r.country == country and r.kind != "premiere"]
        return min(dated, key=lambda r: r.day) if dated else None

    def watch_link(self, country: str) -> str | None:
        """TMDB's where-to-watch page for the country (its data comes from JustWatch)."""
        if self.tmdb_id is None:
            return None
        return f"https://www.themoviedb.org/movie/{self.tmdb_id}/watch?locale={country}"


def providers(offers: Iterable[Offer], kinds: Iterable[str]) -> str:
    """Provider names of the given offer kinds, once each, by name: 'Amazon Video; Apple TV'."""
    wanted = set(kinds)
    return "; ".join(sorted({o.provider for o in offers if o.kind in wanted}))


def as_of(end: date | None, last_day: date | None, today: date | None = None) -> date:
    """The day statuses are judged: the period's end, else its last day with posts, else today."""
    return end or last_day or today or date.today()


def demand_by_country(intents: pd.DataFrame) -> pd.DataFrame:
    """Per audience country, one column per demand intent and `demand`, their sum.

    `intents`: columns country, intent, posts (one film); `unknown` countries are left out."""
    asks = intents[intents["intent"].isin(DEMAND_INTENTS) & (intents["country"] != "unknown")]
    if asks.empty:
        return pd.DataFrame(columns=[*DEMAND_INTENTS, "demand"], dtype=int)
    wide = asks.pivot_table(index="country", columns="intent", values="posts", aggfunc="sum")
    wide = wide.reindex(columns=list(DEMAND_INTENTS)).fillna(0).astype(int)
    wide["demand"] = wide[list(DEMAND_INTENTS)].sum(axis=1)
    return wide


def audience_share(by_country: pd.DataFrame) -> tuple[int, int]:
    """(posts whose audience country is known, all posts) from posts per country."""
    total = int(by_country["posts"].sum()) if len(by_country) else 0
    known = by_country[by_country["country"] != "unknown"] if len(by_country) else by_country
    return (int(known["posts"].sum()) if len(known) else 0), total
