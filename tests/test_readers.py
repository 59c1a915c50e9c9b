"""Readers are never blocked by the writer: dashboard pages rendered while `filmbuzz index
--rebuild` and `filmbuzz run` write the store never show a store error, and the writers never
fail because a dashboard holds the store open."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.readers import Readers, add_posts, filmbuzz, wait, write_config
from pipeline.stores.embedded import EmbeddedStore

POSTS = 20_000


@pytest.fixture(scope="module")
def readers(tmp_path_factory: pytest.TempPathFactory) -> Readers:
    config = write_config(tmp_path_factory.mktemp("readers"))
    add_posts(config, POSTS, "base-")
    assert wait(filmbuzz(config, "index"), "index") == 0
    return Readers(config, clients=3)


def test_readers_pages_answer_during_index_rebuild(readers: Readers) -> None:
    config = readers.config
    overlapping = 0
    codes = []
    with readers.running() as loads:
        # Rebuild until pages were rendered while one ran (a loaded machine is slow to render).
        while overlapping < 12 and len(codes) < 6:
            before = loads.done
            codes.append(wait(filmbuzz(config, "index", "--rebuild"), "index --rebuild"))
            overlapping += loads.done - before
    assert codes == [0] * len(codes) and overlapping >= 12, (codes, overlapping)
    assert loads.failed == []


def test_readers_open_store_never_fails_index_or_run(readers: Readers) -> None:
    config = readers.config
    held = EmbeddedStore(config.data_dir / "store.duckdb", read_only=True)  # a dashboard's
    try:
        before = held.post_count()
        codes = []
        with readers.running() as loads:
            for run in range(3):
                add_posts(config, 200, f"run{run}-")
                codes.append(wait(filmbuzz(config, "run"), "run"))
        assert codes == [0, 0, 0] and loads.failed == []
        assert held.post_count() == before  # it reads the index it opened, whole
    finally:
        held.close()
    after = EmbeddedStore(config.data_dir / "store.duckdb", read_only=True)
    try:
        assert after.post_count() == before + 600
    finally:
        after.close()
    leftovers = [p.name for p in Path(config.data_dir).iterdir() if "staging" in p.name]
    assert leftovers == []
