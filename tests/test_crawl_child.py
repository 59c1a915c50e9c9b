"""The crawl's Scrapy child never outlives a killed `filmbuzz`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawlers.replay import Fault, ReplaySite
from pipeline.config import Config

PARENT = """
import json, sys
from pipeline.config import load_config
from pipeline.stages.crawl import crawl
crawl(load_config(sys.argv[1]), ["letterboxd"], json.loads(sys.argv[2]), fast=True)
"""


def runner_pids(data_dir: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if entry.name.isdigit() and "crawlers.runner" in command and str(data_dir) in command:
            found.append(int(entry.name))
    return found


def test_crawl_child_stops_when_the_parent_is_killed(
    example_config: Config, replay: ReplaySite
) -> None:
    replay.faults.add("letterboxd.com", Fault("/film/", 503, delay=12.0, times=1000))
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(example_config.path), json.dumps(replay.host_map)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not runner_pids(example_config.data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert runner_pids(example_config.data_dir), "the crawl child started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 60  # Scrapy lets requests in flight finish
    while runner_pids(example_config.data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not runner_pids(example_config.data_dir), "the crawl child outlived its parent"
