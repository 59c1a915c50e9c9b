"""Shared fixtures: configs, a started replay site, lakes and stores in temporary folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from osmem_server import OsmemServer

from crawlers.replay import ReplaySite
from pipeline.config import Config, ElasticsearchConfig, load_config
from pipeline.starter import EXAMPLE_CONFIG

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = EXAMPLE_CONFIG


@pytest.fixture
def example_config(tmp_path: Path) -> Config:
    """The example config copied into a temporary folder (its data folder lands there too)."""
    target = tmp_path / "filmbuzz.toml"
    shutil.copyfile(EXAMPLE, target)
    return load_config(target)


@pytest.fixture
def replay() -> Iterator[ReplaySite]:
    with ReplaySite() as site:
        yield site


@pytest.fixture(scope="session")
def osmem_server() -> Iterator[OsmemServer]:
    """One in-process Elasticsearch-compatible server for the session (replaces the plugin's,
    which leaves the server's stdout pipe open)."""
    server = OsmemServer.start(japanese=False)
    yield server
    server.close()
    if server.process.stdout is not None:
        server.process.stdout.close()


@pytest.fixture
def es_config(osmem_clone: Any, monkeypatch: pytest.MonkeyPatch) -> ElasticsearchConfig:
    """An Elasticsearch store config pointing at a fresh osmem clone (an in-process server)."""
    for name in (
        "FILMBUZZ_ES_URL",
        "FILMBUZZ_ES_API_KEY",
        "FILMBUZZ_ES_USERNAME",
        "FILMBUZZ_ES_CA_CERTS",
    ):
        monkeypatch.delenv(name, raising=False)
    return ElasticsearchConfig(url=osmem_clone.url, flavor="opensearch", index_prefix="test")
