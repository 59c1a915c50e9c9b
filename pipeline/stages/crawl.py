"""Stage `crawl`: runs the enabled spiders in a child Scrapy process and reads its summary."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.errors import CrawlError


@dataclass(frozen=True)
class CrawlResult:
    sources: dict[str, dict[str, Any]]
    error_lines: list[str]

    @property
    def posts(self) -> int:
        return sum(s["posts"] for s in self.sources.values())

    @property
    def signals(self) -> int:
        return sum(s["signals"] for s in self.sources.values())


def crawl(
    config: Config,
    sources: list[str] | None = None,
    host_map: dict[str, str] | None = None,
    fast: bool = False,
    films: list[str] | None = None,
    backfill_days: int | None = None,
) -> CrawlResult:
    """Crawl `sources` (default: the enabled ones); `host_map` points real hosts at stand-ins."""
    enabled = config.sources.enabled()
    chosen = sources or enabled
    unknown = [s for s in chosen if s not in enabled]
    if unknown:
        raise CrawlError(
            f"{config.path}: source {unknown[0]!r} is not enabled; enabled: {', '.join(enabled) or 'none'}"
        )
    if not chosen:
        return CrawlResult({}, [])
    state = config.data_dir / "state"
    state.mkdir(parents=True, exist_ok=True)
    summary = state / "last-crawl.json"
    summary.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "crawlers.runner",
        "--config", str(config.path), "--data-dir", str(config.data_dir),
        "--summary", str(summary), "--host-map", json.dumps(host_map or {}),
        "--films", ",".join(films or []), "--backfill-days", str(backfill_days or 0),
    ]  # fmt: skip
    if fast:
        command.append("--fast")
    finished = subprocess.run([*command, *chosen], capture_output=True, text=True, check=False)
    if finished.returncode != 0 or not summary.exists():
        tail = (finished.stderr or "").strip().splitlines()[-1:] or ["no output"]
        log = config.data_dir / "logs" / "crawl.log"
        raise CrawlError(
            f"the crawl stopped with exit code {finished.returncode}: {tail[0]} (details in {log})"
        )
    data = json.loads(Path(summary).read_text(encoding="utf-8"))
    return CrawlResult(data["sources"], data["error_lines"])
