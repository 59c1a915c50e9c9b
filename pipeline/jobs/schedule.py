"""`filmbuzz schedule`: run the jobs on the cron lines of `[schedule]`, in its own process.

Each job runs as a child `filmbuzz` process (a crash in a job never takes the scheduler down,
and the run lock keeps scheduled and manual runs apart). One worker thread runs the jobs one
after another; per job: coalesce (many missed times run once), one instance, and a misfire
grace time after which a late job is skipped and logged as `missed`. SIGTERM (and Ctrl+C)
stops the scheduler, passes SIGTERM to the running job, which logs where it stopped, and exits.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from pipeline.config import Config
from pipeline.jobs import runlog

log = logging.getLogger(__name__)
JOBS: dict[str, list[str]] = {"run": ["run"], "exports": ["export", "all"], "alerts": ["alerts"]}
STOP_SECONDS = 60.0  # how long a stopping job gets before it is killed
WAKE_SECONDS = 0.2  # how often the main thread looks for a stop request


class JobRunner:
    """Runs one job at a time as a child process and can stop it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.stopping = False

    def command(self, job: str) -> list[str]:
        return [sys.executable, "-m", "pipeline.cli", *JOBS[job], "--config", str(self.config.path)]

    def __call__(self, job: str) -> int:
        with self._lock:
            if self.stopping:
                return -1
            self._child = subprocess.Popen(self.command(job))
        started = time.monotonic()
        code = self._child.wait()
        self._child = None
        seconds = round(time.monotonic() - started, 1)
        runlog.append(
            self.config.data_dir, "job", {"job": job, "exit_code": code, "seconds": seconds}
        )
        return code

    def stop(self) -> None:
        """SIGTERM to the running job, then wait (a kill after STOP_SECONDS)."""
        with self._lock:
            self.stopping = True
            child = self._child
        if child is None:
            return
        child.terminate()
        try:
            child.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def zone(config: Config) -> ZoneInfo:
    return ZoneInfo(config.schedule.timezone or config.project.timezone)


def build_scheduler(
    config: Config, runner: Callable[[str], Any], kind: type[BaseScheduler] = BlockingScheduler
) -> BaseScheduler:
    """A scheduler with one cron job per non-empty `[schedule]` line."""
    options = config.schedule
    scheduler = kind(
        timezone=zone(config),
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": options.misfire_grace_seconds,
        },
    )
    for job in JOBS:
        line = getattr(options, job).strip()
        if line:
            trigger = CronTrigger.from_crontab(line, timezone=zone(config))
            scheduler.add_job(runner, trigger, args=[job], id=job, name=job)
    scheduler.add_listener(lambda event: _missed(config, event), EVENT_JOB_MISSED)
    return scheduler


def _missed(config: Config, event: JobExecutionEvent) -> None:
    when = event.scheduled_run_time
    runlog.append(config.data_dir, "missed", {"job": event.job_id, "scheduled": when.isoformat()})
    log.warning("job %s missed its time %s (later than the misfire grace)", event.job_id, when)


def next_runs(scheduler: BaseScheduler, now: datetime) -> list[tuple[str, datetime | None]]:
    """Each job and its next time after `now` (an aware datetime)."""
    return [(job.id, job.trigger.get_next_fire_time(None, now)) for job in scheduler.get_jobs()]


def serve(config: Config, started: Callable[[BaseScheduler], None] = lambda s: None) -> None:
    """Run the scheduler in this process until SIGTERM or Ctrl+C, then stop the running job.

    The signal handler only sets a flag: calling into the scheduler from a handler can deadlock
    on a lock the interrupted main thread already holds.
    """
    runner = JobRunner(config)
    scheduler = build_scheduler(config, runner, kind=BackgroundScheduler)
    stop_requested: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.append(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start()
        started(scheduler)
        while not stop_requested:
            time.sleep(WAKE_SECONDS)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        runner.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
