"""`filmbuzz schedule`: jobs from [schedule], coalescing, misfires, SIGTERM in a real process."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from pipeline.config import Config, ScheduleConfig, load_config
from pipeline.jobs import runlog
from pipeline.jobs.schedule import JobRunner, build_scheduler, next_runs, zone


def _with_schedule(config: Config, **options: object) -> Config:
    return config.model_copy(update={"schedule": ScheduleConfig(**options)})  # type: ignore[arg-type]


class Calls:
    def __init__(self) -> None:
        self.jobs: list[str] = []
        self.event = threading.Event()

    def __call__(self, job: str) -> None:
        self.jobs.append(job)
        self.event.set()


@pytest.mark.parametrize(
    ("options", "jobs"),
    [
        ({}, ["run", "exports", "alerts"]),
        ({"exports": "", "alerts": " "}, ["run"]),
        ({"run": "*/5 * * * *", "timezone": "Asia/Tokyo"}, ["run", "exports", "alerts"]),
    ],
)
def test_schedule_jobs_from_config_coalesce_one_instance_with_grace(
    example_config: Config, options: dict[str, object], jobs: list[str]
) -> None:
    config = _with_schedule(example_config, misfire_grace_seconds=120, **options)
    scheduler = build_scheduler(config, Calls(), BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        assert sorted(j.id for j in scheduler.get_jobs()) == sorted(jobs)
        for job in scheduler.get_jobs():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 120)
        now = datetime.now(zone(config))
        assert all(when is not None and when > now for _, when in next_runs(scheduler, now))
    finally:
        scheduler.shutdown()
    assert str(zone(config)) == options.get("timezone", "America/Montreal")


@pytest.mark.parametrize("line", ["bad", "61 * * * *", "* * * *"])
def test_schedule_bad_cron_line_is_a_config_error(example_config: Config, line: str) -> None:
    text = example_config.path.read_text(encoding="utf-8")
    assert 'run = "0 */2 * * *"' in text
    text = text.replace('run = "0 */2 * * *"', f'run = "{line}"')
    example_config.path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match=r"schedule\.run: not a cron line"):
        load_config(example_config.path)


def _started(config: Config, calls: Calls, job: str, late: timedelta) -> BackgroundScheduler:
    scheduler = build_scheduler(config, calls, BackgroundScheduler)
    scheduler.start(paused=True)
    scheduler.modify_job(job, next_run_time=datetime.now(zone(config)) - late)
    scheduler.resume()
    return scheduler


def test_schedule_many_missed_times_run_once(example_config: Config) -> None:
    config = _with_schedule(example_config, run="*/5 * * * *", misfire_grace_seconds=400)
    calls = Calls()
    scheduler = _started(config, calls, "run", timedelta(hours=2))  # 24 due times
    try:
        assert calls.event.wait(60)
        time.sleep(0.3)
    finally:
        scheduler.shutdown()
    assert calls.jobs == ["run"]


def test_schedule_misfire_past_grace_is_skipped_and_logged(example_config: Config) -> None:
    config = _with_schedule(example_config, run="0 3 1 1 *", misfire_grace_seconds=60)
    calls = Calls()
    scheduler = _started(config, calls, "run", timedelta(hours=2))
    try:
        deadline = time.monotonic() + 60
        while not list(runlog.events(config.data_dir, "missed")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown()
    assert calls.jobs == []
    (missed,) = runlog.events(config.data_dir, "missed")
    assert missed["job"] == "run"


def test_schedule_runner_stop_terminates_the_running_job(example_config: Config) -> None:
    runner = JobRunner(example_config)
    # The job would sleep ten minutes: stopping it must not wait for that (60 s: a loaded machine).
    runner.command = lambda job: [sys.executable, "-c", "import time; time.sleep(600)"]  # type: ignore[method-assign]
    worker = threading.Thread(target=runner, args=["run"])
    worker.start()
    deadline = time.monotonic() + 60
    while runner._child is None and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    runner.stop()
    worker.join(60)
    assert time.monotonic() - started < 60 and not worker.is_alive()
    (job,) = runlog.events(example_config.data_dir, "job")
    assert (job["job"], job["exit_code"]) == ("run", -signal.SIGTERM)
    assert runner("run") == -1  # a stopped runner starts nothing


def test_schedule_process_stops_cleanly_on_sigterm(example_config: Config, tmp_path: Path) -> None:
    config = shutil.copy(example_config.path, tmp_path / "sched.toml")
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "schedule", "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    lines: list[str] = []
    while not any("scheduler started" in line for line in lines):
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else "no output"
        lines.append(line)
    assert any(line.startswith("run ") and "next at" in line for line in lines)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "scheduler stopped" in out and "Traceback" not in err
