"""Crawls on Scrapyd: a real `scrapyd` on a loopback port, the spiders deployed as an egg with
`scrapyd-deploy`, one scheduled against the replay site through FILMBUZZ_HOST_MAP."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.replay import ReplaySite
from pipeline.config import Config
from pipeline.errors import CrawlError
from pipeline.jobs import scrapyd
from pipeline.jobs.run import RunOptions, run_job
from pipeline.lake import Lake
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A started scrapyd with the project deployed (once for the module: it takes seconds)."""
    tmp_path = tmp_path_factory.mktemp("scrapyd")
    port = _free_port()
    folder = tmp_path / "scrapyd"
    folder.mkdir()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = eggs\n"
        "logs_dir = logs\nitems_dir =\ndbs_dir = dbs\nmax_proc = 2\npoll_interval = 0.5\n",
        encoding="utf-8",
    )
    daemon = subprocess.Popen([str(BIN / "scrapyd")], cwd=folder, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "daemonstatus.json", timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline and daemon.poll() is None, "scrapyd did not start"
            time.sleep(0.2)
    try:
        _deploy(url, tmp_path)
        yield url
    finally:
        daemon.terminate()
        daemon.wait(10)


def _deploy(url: str, tmp_path: Path) -> None:
    """scrapyd-deploy from a copy of the project (it writes setup.py and build files)."""
    project = tmp_path / "project"
    for package in ("crawlers", "pipeline", "nlp"):
        shutil.copytree(ROOT / package, project / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.npz"))  # fmt: skip
    (project / "scrapy.cfg").write_text(
        f"[settings]\ndefault = crawlers.settings\n\n[deploy]\nurl = {url}\nproject = filmbuzz\n",
        encoding="utf-8",
    )
    done = subprocess.run([str(BIN / "scrapyd-deploy")], cwd=project, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0 and '"status": "ok"' in done.stdout, done.stderr


def test_scrapyd_run_crawls_the_replay_site_on_the_node(node: str, example_config: Config) -> None:
    with ReplaySite() as site:
        options = RunOptions(["mastodon"], site.host_map, fast=True, scrapyd=node)
        record = run_job(example_config, options)
    assert record.status == "ok", record.errors
    raw = Lake(example_config.data_dir / "lake").read("raw", ["id", "source"])
    assert raw.num_rows > 100 and set(raw.column("source").to_pylist()) == {"mastodon"}
    assert record.sources["mastodon"]["posts"] == raw.num_rows == record.indexed["posts"]


def test_scrapyd_unknown_spider_is_one_clear_error(node: str) -> None:
    with pytest.raises(CrawlError, match=r"schedule\.json said .*spider 'nope' not found"):
        scrapyd.schedule(node, ["nope"], {})


def test_scrapyd_node_down_is_one_clear_error() -> None:
    with pytest.raises(CrawlError, match=r"is the node up\?"):
        scrapyd.schedule(f"http://127.0.0.1:{_free_port()}/", ["mastodon"], {})
