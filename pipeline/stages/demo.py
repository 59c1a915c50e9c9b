"""`filmbuzz demo`: the whole flow against the bundled replay site, offline, in one command.

The crawl, enrich and index go through `filmbuzz run`'s job (run lock, run log), so
`filmbuzz status` shows the demo's runs like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from crawlers.replay import ReplaySite
from crawlers.replay.accounts import DEMO_ENV, enable_all_sources
from pipeline.availability import HOME_OFFERS, PAID_OFFERS, STATUS_NAMES, Availability, providers
from pipeline.config import Config, Film, load_config
from pipeline.exports import write_csv
from pipeline.exports.build import build
from pipeline.jobs.run import RunOptions, RunRecord, run_job
from pipeline.stores import open_store
from pipeline.stores.base import Filter

Step = Callable[[str], None]


@dataclass
class DemoResult:
    config: Config
    run: RunRecord
    exports: list[Path] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    where_to_watch: list[str] = field(default_factory=list)


def where_to_watch_lines(film: Film, known: Availability, today: date) -> list[str]:
    """One line per country: release status today and where the film streams or sells."""
    lines = []
    for country in sorted(known.countries()):
        offers = known.latest_offers(country)
        line = f"{film.slug:<12} {country}  {STATUS_NAMES[known.status(country, today)]}"
        streams = providers(offers, HOME_OFFERS)
        paid = providers(offers, PAID_OFFERS)
        line += f" · streams on {streams}" if streams else ""
        line += f" · rent or buy: {paid}" if paid else ""
        lines.append(line)
    return lines


def prepare(example: Path, folder: Path) -> Config:
    """Copy the example config into the demo folder (every source on), so its data lands in
    `folder/data`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "filmbuzz.toml"
    text = load_config(example).path.read_text(encoding="utf-8")
    target.write_text(enable_all_sources(text), encoding="utf-8")
    return load_config(target)


def run_demo(example: Path, folder: Path, step: Step = lambda _: None) -> DemoResult:
    config = prepare(example, folder.resolve())
    with ReplaySite() as site:
        step("crawling the replay site, enriching, indexing")
        # Keyed sources get the replay site's fake keys, never the user's real ones.
        options = RunOptions(host_map=site.host_map, fast=True, env=DEMO_ENV)
        result = DemoResult(config, run_job(config, options))
    step("writing CSV exports and HTML reports")
    from dashboards.report import write_report

    store = open_store(config, read_only=True)
    try:
        slugs = [f.slug for f in config.films]
        places = build("territories", store, config, slugs)
        result.exports.append(write_csv(places, folder / "exports" / "territories.csv"))
        today = date.today()
        for film in config.films:
            signals = store.signals(Filter(films=(film.slug,)))
            known = Availability.of(film, signals)
            result.where_to_watch += where_to_watch_lines(film, known, today)
            frame = build("daily", store, config, [film.slug])
            result.exports.append(write_csv(frame, folder / "exports" / f"daily-{film.slug}.csv"))
            result.reports.append(
                write_report(config, store, film.slug, folder / "reports" / f"{film.slug}.html")
            )
    finally:
        store.close()
    return result
