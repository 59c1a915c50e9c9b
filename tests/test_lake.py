from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.lake import Lake
from pipeline.records import Post, posts_table


def post(n: int, source: str = "mastodon") -> Post:
    return Post(
        source=source,
        source_id=f"status-{n}",
        url=f"https://example.org/{n}",
        text=f"post number {n}",
        published_at=datetime(2023, 7, 4, 12, tzinfo=UTC),
        films=["red-rooms"],
    )


def test_lake_append_writes_only_new_ids(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    assert lake.append("raw", posts_table([post(1), post(2), post(2)])) == 2
    assert lake.append("raw", posts_table([post(2), post(3)])) == 1
    assert lake.count("raw") == 3
    assert sorted(lake.read("raw", ["source_id"]).column("source_id").to_pylist()) == [
        "status-1",
        "status-2",
        "status-3",
    ]


def test_lake_partitions_by_source(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.append("raw", posts_table([post(1, "mastodon"), post(1, "letterboxd")]))
    assert {p.parent.name for p in lake.files("raw")} == {"mastodon", "letterboxd"}


def test_lake_ignores_leftover_temporary_files(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.append("raw", posts_table([post(1)]))
    (tmp_path / "raw" / "mastodon" / ".tmp-part-half.parquet").write_bytes(b"PAR1 half a file")
    assert lake.count("raw") == 1


WRITER = """
import sys
from datetime import UTC, datetime
from pipeline.lake import Lake
from pipeline.records import Post, posts_table
lake = Lake(sys.argv[1])
n = 0
while True:
    batch = [Post("mastodon", f"s{n}-{i}", "https://example.org/x", "x" * 2000,
                  datetime(2023, 7, 4, tzinfo=UTC), ["red-rooms"]) for i in range(5000)]
    lake.append("raw", posts_table(batch), known_ids=set())
    n += 1
    print(n, flush=True)
"""


@pytest.mark.parametrize("delay", [0.9, 1.7])
def test_lake_killed_write_leaves_no_partial_file(tmp_path: Path, delay: float) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.DEVNULL
    )
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    lake = Lake(tmp_path)
    files = lake.files("raw")
    for path in files:
        assert pq.read_metadata(path).num_rows == 5000  # every visible file is whole
    assert lake.count("raw") == 5000 * len(files)
