"""The `tmdb` source against the replayed TMDB API, and the one definition of release status
and demand (`pipeline.availability`) that the map, the export, the report and alerts share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crawlers.replay import ReplaySite
from crawlers.replay.accounts import DEMO_ENV, REPLAY_TMDB_READ_TOKEN
from pipeline.availability import Availability, as_of, audience_share, demand_by_country
from pipeline.config import Config, Film, FilmRelease
from pipeline.lake import Lake
from pipeline.stages.crawl import crawl
from tests.replay_config import SNAPSHOT, all_sources_config

FILM = Film(
    slug="red-rooms",
    title="Red Rooms",
    year=2023,
    releases=[FilmRelease(country="CA", date=date(2023, 8, 11), kind="theatrical")],
)


def tmdb_signals(config: Config) -> pd.DataFrame:
    table = Lake(config.data_dir / "lake").read("signals").to_pandas()
    return table[table["source"] == "tmdb"]


@pytest.mark.parametrize(
    "env",
    [
        {"FILMBUZZ_TMDB_READ_TOKEN": REPLAY_TMDB_READ_TOKEN},  # v4 token, as a Bearer header
        {"FILMBUZZ_TMDB_API_KEY": DEMO_ENV["FILMBUZZ_TMDB_API_KEY"]},  # v3 key, api_key=
    ],
)
def test_tmdb_reads_release_dates_and_offers_with_either_credential(
    tmp_path: Path, env: dict[str, str]
) -> None:
    config = all_sources_config(tmp_path)
    with ReplaySite() as site:
        result = crawl(config, ["tmdb"], site.host_map, fast=True, env=env)
        asked = [p for host, p in site.requests if host == "api.themoviedb.org"]
        again = crawl(config, ["tmdb"], site.host_map, fast=True, env=env)
    assert again.signals == 0, "the same day's answers add nothing"
    assert not result.error_lines and result.sources["tmdb"]["posts"] == 0
    assert result.sources["tmdb"]["counters"]["resolved_by_search"] == 1, "past-lives by title"
    assert ("api_key=" in " ".join(asked)) is ("FILMBUZZ_TMDB_API_KEY" in env)
    signals = tmdb_signals(config)
    movies = SNAPSHOT.catalog["tmdb"]
    for film, movie in (("red-rooms", "1001785"), ("monster", "1050035"), ("past-lives", "666277")):
        mine = signals[signals["film"] == film]
        releases = mine[mine["metric"] == "release"]
        expected = sum(len(v) for v in movies[movie]["releases"].values())
        assert len(releases) == expected, film
        assert int(mine[mine["metric"] == "tmdb_id"]["value"].iloc[0]) == int(movie)
    offers = signals[(signals["film"] == "red-rooms") & (signals["metric"] == "offer")]
    assert "CA|flatrate|Crave" in set(offers["key"]) and "US|ads|Tubi TV" in set(offers["key"])


def test_tmdb_wrong_key_is_one_line_and_the_source_fails(tmp_path: Path) -> None:
    config = all_sources_config(tmp_path)
    with ReplaySite() as site:
        result = crawl(
            config, ["tmdb"], site.host_map, fast=True, env={"FILMBUZZ_TMDB_API_KEY": "wrong"}
        )
    lines = result.error_lines
    assert len(lines) == 1 and "TMDB rejected the key" in lines[0], lines
    assert "wrong" not in lines[0].replace("rejected", ""), "the key is masked"


def test_tmdb_without_any_key_is_skipped_naming_both_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FILMBUZZ_TMDB_API_KEY", "FILMBUZZ_TMDB_READ_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = crawl(all_sources_config(tmp_path), ["tmdb"])
    assert result.skipped["tmdb"].startswith(
        "tmdb: skipped — set FILMBUZZ_TMDB_READ_TOKEN or FILMBUZZ_TMDB_API_KEY"
    )


def signals(*rows: tuple[str, str, date, float, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["metric", "key", "day", "value", "note"])
    frame["source"] = "tmdb"
    return frame.drop(columns=["note"])


def test_availability_status_ladder_and_config_override() -> None:
    known = Availability.of(
        FILM,
        signals(
            ("release", "CA|3", date(2023, 6, 1), 3.0, ""),  # the config's CA date wins
            ("release", "CZ|1", date(2023, 7, 4), 1.0, ""),  # a premiere is not a release
            ("release", "US|3", date(2024, 9, 6), 3.0, ""),
            ("release", "US|4", date(2024, 10, 15), 4.0, ""),
            ("offers_checked", "", date(2026, 1, 2), 2.0, ""),
            ("offer", "GB|rent|Apple TV", date(2026, 1, 2), 2.0, ""),
        ),
    )
    assert known.status("CA", date(2023, 8, 1)) == "announced"
    assert known.status("CA", date(2023, 8, 11)) == "released"
    assert known.status("CZ", date(2023, 8, 1)) == "none"
    assert known.status("US", date(2024, 9, 30)) == "released"
    assert known.status("US", date(2024, 10, 15)) == "on_demand"
    assert known.status("GB", date(2025, 12, 31)) == "none", "no offer check by then"
    assert known.status("GB", date(2026, 1, 2)) == "on_demand"
    assert known.first_release("CA").source == "config"  # type: ignore[union-attr]


def test_availability_an_offer_gone_at_the_next_check_no_longer_counts() -> None:
    known = Availability.of(
        FILM,
        signals(
            ("offers_checked", "", date(2026, 1, 2), 1.0, ""),
            ("offer", "FR|flatrate|Canal+", date(2026, 1, 2), 381.0, ""),
            ("offers_checked", "", date(2026, 2, 2), 0.0, ""),
        ),
    )
    assert known.status("FR", date(2026, 1, 20)) == "on_demand"
    assert known.status("FR", date(2026, 2, 3)) == "none"


def test_demand_is_want_to_see_where_to_watch_and_piracy_by_audience_country() -> None:
    intents = pd.DataFrame(
        [("FR", "want_to_see", 2), ("FR", "piracy", 1), ("FR", "watched", 5),
         ("unknown", "where_to_watch", 4), ("CA", "where_to_watch", 3)],
        columns=["country", "intent", "posts"],
    )  # fmt: skip
    wide = demand_by_country(intents)
    assert dict(wide["demand"]) == {"CA": 3, "FR": 3}
    assert audience_share(pd.DataFrame({"country": ["FR", "unknown"], "posts": [4, 6]})) == (4, 10)
    assert as_of(None, date(2023, 7, 6)) == date(2023, 7, 6)
    assert as_of(date(2023, 9, 1), date(2023, 7, 6)) == date(2023, 9, 1)
