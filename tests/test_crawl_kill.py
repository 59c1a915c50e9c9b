"""A crawl killed with SIGKILL mid-way, then run again, ends with the same lake as a crawl
that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from crawlers.replay import ReplaySite
from pipeline.config import Config
from pipeline.lake import Lake
from pipeline.stages.crawl import crawl, runner_command
from tests.replay_config import SOURCES, all_sources_config
from tests.test_sources import PLANTED


def content(config: Config, table: str) -> list[dict[str, Any]]:
    rows = Lake(config.data_dir / "lake").read(table).to_pylist()
    for row in rows:
        row.pop("collected_at")
    return sorted(rows, key=lambda r: r["id"])


def test_crawl_killed_with_sigkill_then_rerun_matches_an_uninterrupted_crawl(
    tmp_path: Path,
) -> None:
    clean = all_sources_config(tmp_path / "clean")
    killed = all_sources_config(tmp_path / "killed")
    with ReplaySite(credentials=PLANTED) as site:
        crawl(clean, host_map=site.host_map, fast=True, env=PLANTED)
        site.latency = 0.05  # slow enough to stop it half-way
        summary = killed.data_dir / "state" / "killed.json"
        command = runner_command(killed, list(SOURCES), summary, site.host_map, fast=True)
        child = subprocess.Popen(
            command,
            env={**os.environ, **PLANTED},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        raw = killed.data_dir / "lake" / "raw"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(raw.rglob("part-*.parquet")):
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait()
        written = len(Lake(killed.data_dir / "lake").read("raw"))
        assert written and not summary.exists(), "killed after some writes, before the end"
        assert written < len(content(clean, "raw"))
        site.latency = 0.0
        crawl(killed, host_map=site.host_map, fast=True, env=PLANTED)
    assert content(killed, "raw") == content(clean, "raw")
    assert content(killed, "signals") == content(clean, "signals")
