"""`filmbuzz listen bluesky`: the Jetstream listener against the replay site's WebSocket."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.replay import ReplaySite
from crawlers.replay.jetstream import events
from crawlers.text import TitleMatcher
from pipeline.cli import main
from pipeline.config import Config
from pipeline.lake import Lake
from pipeline.stages.listen import listen, parse_duration
from pipeline.stages.sources import source_statuses
from tests.conftest import EXAMPLE
from tests.replay_config import SNAPSHOT


def test_listen_bluesky_keeps_tracked_film_posts_and_resumes(example_config: Config) -> None:
    matcher = TitleMatcher(example_config.films)
    wanted = [
        e
        for e in events(SNAPSHOT)
        if e["kind"] == "commit"
        and e["commit"]["collection"] == "app.bsky.feed.post"
        and matcher.films_in(e["commit"]["record"]["text"])
    ]
    with ReplaySite() as site:
        first = listen(example_config, "bluesky", 1.5, site.host_map)
        again = listen(example_config, "bluesky", 0.8, site.host_map)
    assert first.written == len(wanted) > 30
    assert first.posts_seen > first.matched, "unrelated posts are seen and left out"
    assert again.written == 0 and again.events == 0, "the saved position resumes the stream"
    rows = Lake(example_config.data_dir / "lake").read("raw").to_pylist()
    assert {r["source"] for r in rows} == {"bluesky"}
    assert all(r["source_id"].startswith("at://did:plc:") and r["films"] for r in rows)
    assert any(r["author"].endswith(".bsky.social") for r in rows), "handles from identity events"
    status = {s.name: s for s in source_statuses(example_config)}["bluesky:jetstream"]
    assert status.status == "ok" and status.credentials == "not needed"


def test_listen_unreachable_stream_reconnects_without_crashing(example_config: Config) -> None:
    stats = listen(
        example_config, "bluesky", 1.2, {"jetstream2.us-east.bsky.network": "ws://127.0.0.1:9"}
    )
    assert stats.errors >= 1 and stats.written == 0 and "ConnectionRefused" in stats.last_error


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("30s", 30), ("10m", 600), ("1h30m", 5400), ("2d", 172800)]
)
def test_listen_parse_duration_reads_units(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_cli_listen_bad_duration_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["listen", "bluesky", "--for", "soon", "--config", str(EXAMPLE)]) == 2
    assert "--for: 'soon' is not a duration like 30s, 10m, 1h30m" in capsys.readouterr().err
