"""Posts a stranger can write never stop the pipeline: a run over a replay site that serves a
2M-character post, 50,000 emoji in one post and a lone surrogate ends with every other post
enriched and indexed, the bad ones quarantined and named, exit 1 with one line each."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator

import pytest

from crawlers.replay.hostile import EMOJI, HALF_EMOJI, LONG, HostileReplaySite, status_url
from pipeline.cli import main
from pipeline.config import Config
from pipeline.jobs.run import EXIT_PARTIAL
from pipeline.lake import Lake
from pipeline.stages.sources import source_statuses
from pipeline.stores import open_store
from tests.replay_config import all_sources_config, expected_ids

SOURCES = ("mastodon", "feeds")


@pytest.fixture(scope="module")
def site() -> Iterator[HostileReplaySite]:
    with HostileReplaySite() as replay:
        yield replay


@pytest.fixture(scope="module")
def hostile_run(
    site: HostileReplaySite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Config, int, str]:
    config = all_sources_config(tmp_path_factory.mktemp("hostile"))
    argv = ["run", "--config", str(config.path), "--host-map", json.dumps(site.host_map)]
    for source in SOURCES:
        argv += ["--source", source]
    err = io.StringIO()  # capsys is per test; this run is shared by the module's tests
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return config, code, err.getvalue()


def test_hostile_run_exits_1_naming_each_bad_post_once(
    hostile_run: tuple[Config, int, str],
) -> None:
    _, code, err = hostile_run
    assert code == EXIT_PARTIAL
    lines = [line for line in err.splitlines() if line.startswith("quarantined:")]
    assert len(lines) == 3, err
    too_long = "characters, over the 40,000 a post may have (set aside at crawl"
    for post, reason in (
        (LONG, f"text: {len(LONG.text.strip()):,} {too_long}"),
        (EMOJI, f"text: {len(EMOJI.text.strip()):,} {too_long}"),
        (HALF_EMOJI, "text: 1 invalid code point (U+D83D) replaced with U+FFFD (repaired at crawl"),
    ):
        assert sum(status_url(post) in line and reason in line for line in lines) == 1, lines
    assert "Traceback" not in err


def test_hostile_run_enriches_and_indexes_every_other_post(
    hostile_run: tuple[Config, int, str],
) -> None:
    config, _, _ = hostile_run
    lake = Lake(config.data_dir / "lake")
    expected = expected_ids(config)
    raw = lake.read("raw", ["source", "source_id", "url", "text"]).to_pylist()
    collected = {(r["source"], r["source_id"]) for r in raw}
    wanted = {(s, i) for s in SOURCES for i in expected[s]}
    assert wanted <= collected and len(collected) == len(raw) == len(wanted) + 1
    repaired = next(r for r in raw if r["url"] == status_url(HALF_EMOJI))
    assert "broke me \ufffd what a film" in repaired["text"]
    assert not {status_url(LONG), status_url(EMOJI)} & {r["url"] for r in raw}
    assert sorted(lake.ids("posts")) == sorted(lake.ids("raw"))
    store = open_store(config, read_only=True)
    try:
        assert store.post_count() == len(raw)
    finally:
        store.close()


def test_hostile_quarantine_keeps_each_post_as_it_came(
    hostile_run: tuple[Config, int, str],
) -> None:
    config, _, _ = hostile_run
    rows = {r["url"]: r for r in Lake(config.data_dir / "lake").read("quarantine").to_pylist()}
    assert set(rows) == {status_url(p) for p in (LONG, EMOJI, HALF_EMOJI)}
    assert {r["stage"] for r in rows.values()} == {"crawl"}
    long_record = json.loads(rows[status_url(LONG)]["record"])
    assert long_record["text"] == LONG.text.strip() and len(long_record["text"]) > 2_000_000
    assert rows[status_url(LONG)]["action"] == "set aside"
    half = json.loads(rows[status_url(HALF_EMOJI)]["record"])
    assert "\ud83d" in half["text"] and rows[status_url(HALF_EMOJI)]["action"] == "repaired"
    statuses = {s.name: s for s in source_statuses(config)}
    assert statuses["mastodon"].quarantined == 3 and statuses["feeds"].quarantined == 0


def test_hostile_sources_and_status_show_the_quarantine(
    hostile_run: tuple[Config, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, _ = hostile_run
    assert main(["sources", "--config", str(config.path)]) == 0
    mastodon = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("mastodon")
    )
    assert mastodon.split()[-3] == "3"  # the quarantined column, before "not needed"
    assert main(["status", "--config", str(config.path)]) == 0
    out = capsys.readouterr().out
    assert "quarantined: 3 records in lake/quarantine (mastodon 3)" in out
    assert out.splitlines()[1].split()[-1] == "3"  # the run's quarantined column
