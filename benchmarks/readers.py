"""Dashboards keep answering while the store is written, and writers never fail for them.

    python -m benchmarks.readers [--posts 200000] [--clients 4] [--rebuilds 5] [--runs 10]

A dashboard process (this one) renders pages in `--clients` threads, each page as Dash's page
router does it (every Store query, opening the store read-only, data cache emptied first),
while child processes write the store:

1. `--rebuilds` times `filmbuzz index --rebuild` over a lake of `--posts` synthetic posts;
2. `--runs` times `filmbuzz run`, each with new posts in the lake for `index` to add.

It prints the page loads during each, those that showed a store error (a lock error was what
DuckDB gave before the store was written aside), and the writers' exit codes.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from benchmarks.dashboards import pages, render
from benchmarks.synthetic import films, posts
from dashboards import data
from dashboards.app import create_app
from pipeline.config import Config, load_config
from pipeline.lake import Lake

ERRORS = ("cannot open the embedded store", "could not set lock", "query failed", "no store yet")
CHUNK = 50_000


def write_config(folder: Path, tracked: int = 12) -> Config:
    """A config tracking the synthetic films, no source enabled, its data in `folder/data`."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = "".join(
        f'\n[[films]]\nslug = "{slug}"\ntitle = "Film {n:03d}"\nyear = 2024\n'
        for n, slug in enumerate(films(tracked))
    )
    text = f'[project]\nname = "Readers"\ncontact = "bench@example.org"\n{entries}'
    path = folder / "filmbuzz.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def add_posts(config: Config, count: int, prefix: str) -> None:
    """`count` synthetic enriched posts with ids of their own, into lake/posts."""
    lake = Lake(config.data_dir / "lake")
    for start in range(0, count, CHUNK):
        table = posts(min(CHUNK, count - start), seed=start + hash(prefix) % 1000)
        ids = pc.binary_join_element_wise(prefix, table["id"], "")
        lake.append("posts", table.set_column(0, "id", ids.cast(pa.string())))


def filmbuzz(config: Config, *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "pipeline.cli", *args, "--config", str(config.path)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class Loads:
    done: int = 0
    failed: list[str] = field(default_factory=list)


class Readers:
    """`clients` threads rendering the dashboard's pages, round after round, until stopped."""

    def __init__(self, config: Config, clients: int) -> None:
        self.config = config
        self.app = create_app(config)
        self.paths = list(pages(config).values())
        self.clients = clients
        self.loads = Loads()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def _client(self, offset: int) -> None:
        for path in itertools.islice(itertools.cycle(self.paths), offset, None):
            if self._stop.is_set():
                return
            data.clear_cache()
            try:
                shown = render(self.app, path).lower()
                problem = next((e for e in ERRORS if e in shown), None)
            except Exception as exc:  # what a page would have answered with a 500
                problem = f"{type(exc).__name__}: {exc}"
            with self._lock:
                self.loads.done += 1
                if problem:
                    self.loads.failed.append(f"{path}: {problem}")

    @contextmanager
    def running(self) -> Iterator[Loads]:
        """Readers at work for the block; yields the loads counted from its start."""
        self.loads = Loads()
        self._stop.clear()
        threads = [threading.Thread(target=self._client, args=(n,)) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        try:
            yield self.loads
        finally:
            self._stop.set()
            for thread in threads:
                thread.join(timeout=600)


def wait(process: subprocess.Popen[bytes], label: str) -> int:
    _, err = process.communicate(timeout=3600)
    if process.returncode:
        print(f"{label}: exit {process.returncode}: {err.decode(errors='replace').strip()[-300:]}")
    return process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rebuilds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/filmbuzz-bench-readers"))
    args = parser.parse_args()
    config = write_config(args.folder.resolve())
    if not Lake(config.data_dir / "lake").files("posts"):
        add_posts(config, args.posts, "base-")
    assert wait(filmbuzz(config, "index"), "first index") == 0
    readers = Readers(config, args.clients)
    codes, started = [], time.perf_counter()
    with readers.running() as loads:
        for _ in range(args.rebuilds):
            codes.append(wait(filmbuzz(config, "index", "--rebuild"), "index --rebuild"))
    took = (time.perf_counter() - started) / args.rebuilds
    print(f"index --rebuild of {args.posts:,} posts, {args.rebuilds} times: exit codes {codes}, "
          f"{took:.0f} s each; {loads.done} page loads by {args.clients} clients meanwhile, "
          f"{len(loads.failed)} with an error")  # fmt: skip
    codes = []
    with readers.running() as loads:
        for run in range(args.runs):
            add_posts(config, 500, f"run{run}-{time.time_ns()}-")
            codes.append(wait(filmbuzz(config, "run"), f"run {run + 1}"))
    ok = sum(code == 0 for code in codes)
    print(f"filmbuzz run: {ok} of {args.runs} succeeded (exit codes {codes}); "
          f"{loads.done} page loads by {args.clients} clients, {len(loads.failed)} with an error")  # fmt: skip
    for line in loads.failed[:5]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
