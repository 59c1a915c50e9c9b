"""`filmbuzz run` and `status`: the lock, the run log, exit codes, a run killed then re-run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawlers.replay import ReplaySite
from pipeline.cli import main
from pipeline.config import Config, load_config
from pipeline.jobs import runlog
from pipeline.jobs.lock import LockHeld, RunLock, is_locked
from pipeline.jobs.run import EXIT_INTERRUPTED, EXIT_LOCKED, RunOptions, run_job
from pipeline.jobs.status import recent_runs
from pipeline.lake import Lake
from pipeline.stores import open_store
from tests.factories import enriched_post, posts

SOURCES = ["mastodon", "feeds"]
HOLD_LOCK = (
    "import sys, time; from pathlib import Path; from pipeline.jobs.lock import RunLock\n"
    "lock = RunLock(Path(sys.argv[1])); lock.acquire(); print('locked', flush=True); time.sleep(60)"
)


@pytest.fixture(scope="module")
def site() -> Iterator[ReplaySite]:
    """One replay site for the module: starting and stopping one takes seconds."""
    with ReplaySite() as replay:
        yield replay


def _wait(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _run_child(config: Config, site: ReplaySite) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pipeline.cli", "run", "--config", str(config.path),
               "--host-map", json.dumps(site.host_map)]  # fmt: skip
    for source in SOURCES:
        command += ["--source", source]
    return subprocess.Popen(command, text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _lock_holder(data_dir: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(data_dir)],
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def test_lock_second_holder_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    with RunLock(tmp_path), pytest.raises(LockHeld, match=r"process \d+ since .* holds"):
        RunLock(tmp_path).acquire()
    assert not is_locked(tmp_path)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_lock_killed_holder_leaves_no_stale_lock(tmp_path: Path, how: signal.Signals) -> None:
    child = _lock_holder(tmp_path)
    assert is_locked(tmp_path)
    child.send_signal(how)
    child.wait(60)
    child.stdout.close()  # type: ignore[union-attr]
    assert not is_locked(tmp_path) and (tmp_path / "run.lock").exists()
    with RunLock(tmp_path):
        assert is_locked(tmp_path)


def test_run_overlapping_run_exits_3_and_logs_nothing(
    example_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = _lock_holder(example_config.data_dir)
    try:
        code = main(["run", "--config", str(example_config.path)])
    finally:
        holder.kill()
        holder.wait(60)
        holder.stdout.close()  # type: ignore[union-attr]
    assert code == EXIT_LOCKED == 3
    err = capsys.readouterr().err
    assert f"process {holder.pid}" in err and "Traceback" not in err
    assert list(runlog.events(example_config.data_dir)) == []


def _lake_ids(config: Config, table: str) -> list[str]:
    lake = Lake(config.data_dir / "lake")
    return list(lake.read(table, ["id"]).column("id").to_pylist()) if lake.files(table) else []


def _assert_consistent(config: Config) -> set[str]:
    raw, posts = _lake_ids(config, "raw"), _lake_ids(config, "posts")
    assert len(raw) == len(set(raw)) and sorted(posts) == sorted(raw)
    store = open_store(config, read_only=True)
    try:
        assert store.post_count() == len(posts)
    finally:
        store.close()
    return set(posts)


@pytest.mark.parametrize("stage", ["crawl", "enrich"])
def test_run_killed_mid_run_then_rerun_loses_and_doubles_nothing(
    example_config: Config, tmp_path: Path, site: ReplaySite, stage: str
) -> None:
    data = example_config.data_dir
    child = _run_child(example_config, site)
    if stage == "crawl":
        _wait(lambda: any(runlog.events(data, "start")))
        time.sleep(0.5)
    else:
        _wait(lambda: bool(Lake(data / "lake").files("raw")))
    os.killpg(child.pid, signal.SIGKILL)  # the whole job, crawler child included
    child.communicate(timeout=60)
    assert not any(runlog.events(data, "end")), "the run ended before it was killed"
    assert recent_runs(data)[0].status == "killed"
    record = run_job(example_config, RunOptions(SOURCES, site.host_map, fast=True))
    assert record.status == "ok"
    again = _assert_consistent(example_config)
    (tmp_path / "fresh").mkdir()
    fresh = load_config(shutil.copy(example_config.path, tmp_path / "fresh" / "filmbuzz.toml"))
    assert run_job(fresh, RunOptions(SOURCES, site.host_map, fast=True)).status == "ok"
    assert again == _assert_consistent(fresh) and len(again) > 100
    assert [r.status for r in recent_runs(data)] == ["ok", "killed"]


def test_run_sigterm_stops_cleanly_and_logs_interrupted(
    example_config: Config, site: ReplaySite
) -> None:
    data = example_config.data_dir
    child = _run_child(example_config, site)
    _wait(lambda: any(runlog.events(data, "start")))
    time.sleep(0.3)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 143, err
    assert "stopped by SIGTERM" in err and "Traceback" not in err
    (end,) = runlog.events(data, "end")
    assert end["status"] == "interrupted" and end["exit_code"] == EXIT_INTERRUPTED
    assert not is_locked(data)


def test_run_log_records_counts_per_source_and_status_prints_them(
    example_config: Config, site: ReplaySite, capsys: pytest.CaptureFixture[str]
) -> None:
    record = run_job(example_config, RunOptions(["mastodon"], site.host_map, fast=True))
    start, end = runlog.events(example_config.data_dir)
    assert (start["event"], end["event"]) == ("start", "end")
    assert start["run_id"] == end["run_id"] == record.run_id
    assert end["sources"]["mastodon"]["posts"] > 0 and end["exit_code"] == 0
    assert end["indexed"]["posts"] == end["enriched"] == end["sources"]["mastodon"]["posts"]
    runlog.append(example_config.data_dir, "missed", {"job": "exports", "scheduled": "T06:30"})
    assert main(["status", "--config", str(example_config.path)]) == 0
    out = capsys.readouterr().out
    assert record.run_id in out and " ok " in out
    assert "missed scheduled times: 1" in out and "exports at T06:30" in out


@pytest.mark.parametrize(
    ("lines", "locked", "expected"),
    [
        ([("start", "a", 1), ("end", "a", "ok")], False, ["ok"]),
        ([("start", "a", 1)], False, ["killed"]),
        ([("start", "a", "me")], True, ["running"]),
        (
            [("start", "a", 1), ("end", "a", "partial"), ("start", "b", 2)],
            False,
            ["killed", "partial"],
        ),
    ],
)
def test_status_pairs_start_and_end_lines(
    tmp_path: Path, lines: list[tuple[str, str, object]], locked: bool, expected: list[str]
) -> None:
    for event, run_id, value in lines:
        if event == "start":
            pid = os.getpid() if value == "me" else value
            runlog.append(tmp_path, "start", {"run_id": run_id, "pid": pid})
        else:
            runlog.append(tmp_path, "end", {"run_id": run_id, "status": value, "errors": []})
        time.sleep(0.001)
    with (tmp_path / "logs" / "runs.jsonl").open("a") as handle:
        handle.write('{"event": "start", "run_id"')  # a cut last line
    if locked:
        with RunLock(tmp_path):
            assert [r.status for r in recent_runs(tmp_path)] == expected
    else:
        assert [r.status for r in recent_runs(tmp_path)] == expected


@pytest.mark.parametrize(
    "command", [["run"], ["crawl"], ["enrich"], ["index"], ["index", "--rebuild"], ["compact"]]
)
def test_cli_writers_wait_for_no_one_while_the_lock_is_held(
    example_config: Config, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    with RunLock(example_config.data_dir, "enrich"):
        assert main([*command, "--config", str(example_config.path)]) == EXIT_LOCKED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "another filmbuzz enrich" in err and "wait for it" in err
    assert not Lake(example_config.data_dir / "lake").files("raw")


@pytest.mark.parametrize(
    "command",
    [["alerts"], ["export", "all"], ["export", "daily", "--out", "{dir}/d.csv"],
     ["index", "--check"], ["report", "--film", "red-rooms", "--out", "{dir}/r.html"]],
)  # fmt: skip
def test_cli_readers_answer_while_a_writer_holds_the_lock(
    example_config: Config, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    lake = Lake(example_config.data_dir / "lake")
    lake.append("posts", posts([enriched_post(n) for n in range(5)]))
    assert main(["index", "--config", str(example_config.path)]) == 0
    capsys.readouterr()
    folder = str(example_config.path.parent)
    with RunLock(example_config.data_dir, "run"):
        code = main(
            [*(c.format(dir=folder) for c in command), "--config", str(example_config.path)]
        )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "holds" not in err


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["status"], 0, "no runs yet"),
        (["export", "posts"], 2, "give the file to write with --out"),
        (["run", "--host-map", "{nope"], 2, "--host-map: not a JSON object"),
        (["run", "--source", "x"], 2, "source 'x' is not enabled"),
    ],
)
def test_cli_jobs_plain_outcomes(
    example_config: Config,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    assert main([*argv, "--config", str(example_config.path)]) == code
    captured = capsys.readouterr()
    assert message in captured.out + captured.err and "Traceback" not in captured.err
