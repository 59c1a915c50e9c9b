"""Stage `crawl`: runs the enabled spiders in child Scrapy processes and reads their summaries.

Scrapy runs on one core, so the sources are spread over one child per core (each source whole
in one child, so per-site politeness holds); a crashed or killed child never takes the CLI down.

Sources whose credentials are missing from the environment are skipped here, with one line
each, before the child starts. Every run's outcome per source is kept in
`state/sources.json` for `filmbuzz sources`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from crawlers import credentials
from pipeline.config import Config
from pipeline.errors import CrawlError
from pipeline.stages.sources import record_runs

# Rough work per source (requests and posts on a first run), to balance the child processes.
WEIGHTS = {
    "letterboxd": 4,
    "mastodon": 3,
    "reddit": 2,
    "youtube": 2,
    "bluesky": 1,
    "x": 1,
    "tmdb": 1,
}


@dataclass(frozen=True)
class CrawlResult:
    sources: dict[str, dict[str, Any]]
    error_lines: list[str]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def posts(self) -> int:
        return sum(s["posts"] for s in self.sources.values())

    @property
    def signals(self) -> int:
        return sum(s["signals"] for s in self.sources.values())


def runner_command(
    config: Config,
    sources: list[str],
    summary: Path,
    host_map: dict[str, str] | None = None,
    fast: bool = False,
    films: list[str] | None = None,
    backfill_days: int | None = None,
    flush_items: int = 0,
) -> list[str]:
    """The child process's command line (tests start it themselves to kill it mid-crawl)."""
    command = [
        sys.executable, "-m", "crawlers.runner",
        "--config", str(config.path), "--data-dir", str(config.data_dir),
        "--summary", str(summary), "--host-map", json.dumps(host_map or {}),
        "--films", ",".join(films or []), "--backfill-days", str(backfill_days or 0),
        "--flush-items", str(flush_items),
    ]  # fmt: skip
    if fast:
        command.append("--fast")
    return [*command, *sources]


def choose(
    config: Config, sources: list[str] | None, env: Mapping[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The sources to crawl, and the ones skipped for missing credentials (with their line)."""
    enabled = config.sources.enabled()
    chosen = sources or enabled
    unknown = [s for s in chosen if s not in enabled]
    if unknown:
        raise CrawlError(
            f"{config.path}: source {unknown[0]!r} is not enabled; enabled: {', '.join(enabled) or 'none'}"
        )
    skipped = {
        s: credentials.skip_message(s, absent)
        for s in chosen
        if (absent := credentials.missing(s, env))
    }
    return [s for s in chosen if s not in skipped], skipped


def crawl(
    config: Config,
    sources: list[str] | None = None,
    host_map: dict[str, str] | None = None,
    fast: bool = False,
    films: list[str] | None = None,
    backfill_days: int | None = None,
    env: Mapping[str, str] | None = None,
) -> CrawlResult:
    """Crawl `sources` (default: the enabled ones); `host_map` points real hosts at stand-ins.

    `env` adds variables (credentials) to the child's environment, as the demo does.
    """
    for slug in films or []:
        config.film(slug)  # an unknown slug stops here, with one line naming the tracked ones
    child_env = {**os.environ, **(env or {}), "FILMBUZZ_PARENT_PID": str(os.getpid())}
    chosen, skipped = choose(config, sources, child_env)
    state = config.data_dir / "state"
    state.mkdir(parents=True, exist_ok=True)
    if not chosen:
        record_runs(state, {}, skipped)
        return CrawlResult({}, [], skipped)
    collected: dict[str, dict[str, Any]] = {}
    lines: list[str] = []
    with ExitStack() as stack:
        children = []
        for index, group in enumerate(groups(chosen, processes())):
            summary = state / f"last-crawl-{index}.json"
            summary.unlink(missing_ok=True)
            command = runner_command(config, group, summary, host_map, fast, films, backfill_days)
            errors = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=errors, env=child_env
            )
            children.append((process, summary, errors))
        for process, summary, errors in children:
            data = _finished(config, process, summary, errors, child_env)
            collected |= data["sources"]
            lines += data["error_lines"]
    collected = {s: collected[s] for s in chosen if s in collected}  # the config's order
    record_runs(state, collected, skipped, lines)
    return CrawlResult(collected, lines, skipped)


def processes() -> int:
    """Child processes to spread the spiders over: one per core (Scrapy runs on one), at most 4;
    `FILMBUZZ_CRAWL_PROCESSES` overrides it."""
    configured = os.environ.get("FILMBUZZ_CRAWL_PROCESSES", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(os.cpu_count() or 1, 4))


def groups(sources: list[str], count: int) -> list[list[str]]:
    """Sources split into `count` groups of about the same expected work, heaviest first.

    Each source stays whole in one process, so per-site politeness limits still hold."""
    buckets: list[list[str]] = [[] for _ in range(min(count, len(sources)))]
    loads = [0] * len(buckets)
    for source in sorted(sources, key=lambda s: -WEIGHTS.get(s, 1)):
        lightest = loads.index(min(loads))
        buckets[lightest].append(source)
        loads[lightest] += WEIGHTS.get(source, 1)
    return [sorted(b, key=sources.index) for b in buckets if b]


def _finished(
    config: Config,
    process: subprocess.Popen[bytes],
    summary: Path,
    errors: IO[str],
    env: Mapping[str, str],
) -> dict[str, Any]:
    code = process.wait()
    errors.seek(0)
    tail = errors.read().strip().splitlines()[-1:] or ["no output"]
    if code != 0 or not summary.exists():
        log = config.data_dir / "logs" / "crawl.log"
        line = credentials.SecretRedactor(credentials.all_secrets(env)).redact(tail[0])
        raise CrawlError(f"the crawl stopped with exit code {code}: {line} (details in {log})")
    data: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8"))
    return data
