"""The dashboards' embedded store stays open between queries, and a re-index still shows up:
a reader that began on the old file reads it whole, the next one (and any other store opened in
the process) reads the new file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.errors import StoreError
from pipeline.stores import shared
from pipeline.stores.embedded import EmbeddedStore
from pipeline.stores.shared import shared_reader
from tests.factories import enriched_post, posts


def _index(path: Path, count: int, start: int = 0) -> None:
    writer = EmbeddedStore(path)
    try:
        writer.write_posts(posts([enriched_post(n) for n in range(start, start + count)]))
    finally:
        writer.close()  # puts the new file in place of the old one


def test_shared_reader_keeps_one_database_open_and_sees_a_reindex(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _index(path, 3)
    with shared_reader(path) as first, shared_reader(path) as second:
        assert first.db is not second.db  # a connection each, on one open database
        assert first.post_count() == second.post_count() == 3
    _index(path, 2, start=3)
    with shared_reader(path) as after:
        assert after.post_count() == 5


def test_a_reader_on_the_old_file_neither_blocks_nor_hides_the_new_one(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _index(path, 3)
    with shared_reader(path) as old:
        kept = shared._OPEN[path.resolve()].store
        _index(path, 4, start=3)
        # The old reader still reads the file it began on, whole.
        assert old.post_count() == 3
        # A new reader, and any other store opened in this process, read the new file.
        with shared_reader(path) as new:
            assert new.post_count() == 7
        plain = EmbeddedStore(path, read_only=True)
        try:
            assert plain.post_count() == 7
        finally:
            plain.close()
        assert old.post_count() == 3
    # The old file's database is closed once its last reader is done.
    with pytest.raises(duckdb.Error):
        kept.db.execute("SELECT 1")


def test_shared_reader_without_a_store_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "store.duckdb"
    with pytest.raises(StoreError, match=r"store\.duckdb: no store yet"), shared_reader(missing):
        pass


def test_shared_reader_refuses_a_store_it_cannot_read_naming_the_file(tmp_path: Path) -> None:
    old = tmp_path / "old" / "store.duckdb"
    old.parent.mkdir()
    db = duckdb.connect(str(old))
    db.execute("CREATE TABLE layout AS SELECT 1 AS version")
    db.close()
    built_by_another = r"old/store\.duckdb: this store was built by another"
    with pytest.raises(StoreError, match=built_by_another), shared_reader(old):
        pass
    garbage = tmp_path / "garbage" / "store.duckdb"
    garbage.parent.mkdir()
    garbage.write_bytes(b"not a database" * 100)
    unreadable = r"garbage/store\.duckdb: cannot open the embedded store"
    with pytest.raises(StoreError, match=unreadable), shared_reader(garbage):
        pass
