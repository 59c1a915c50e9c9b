"""Shared fixtures: configs, a started replay site, lakes and stores in temporary folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.replay import ReplaySite
from pipeline.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "filmbuzz.example.toml"


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
