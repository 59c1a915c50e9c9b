"""Runs the enabled spiders in one Scrapy process and writes a JSON summary of the run.

Started by `filmbuzz crawl` as a child process (Twisted's reactor runs once per process), so a
crashed or killed crawl never takes the CLI down with it.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import signal
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawlers import credentials
from crawlers.impersonate import impersonation_settings
from pipeline.config import Config, load_config

PR_SET_PDEATHSIG = 1


def user_agent(config: Config) -> str:
    try:
        release = version("filmbuzz")
    except PackageNotFoundError:
        release = "dev"
    return f"filmbuzz/{release} (+{config.project.contact}; {config.project.name})"


def build_settings(
    config: Config, data_dir: Path, host_map: dict[str, str], fast: bool, log_file: Path
) -> Settings:
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    overrides: dict[str, Any] = {
        "FILMBUZZ_CONFIG": str(config.path),
        "FILMBUZZ_DATA_DIR": str(data_dir),
        "FILMBUZZ_HOST_MAP": host_map,
        "USER_AGENT": user_agent(config),
        "LOG_FILE": str(log_file),
        "LOG_FILE_APPEND": True,
        "HTTPCACHE_DIR": str(data_dir / "cache" / "http"),
    }
    if fast:  # a local replay site: politeness delays only slow the tests down
        overrides |= {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "CONCURRENT_REQUESTS": 32,
            "RETRY_TIMES": 2,
            "FILMBUZZ_MAX_WAIT": 2.0,
        }
    settings.setdict(overrides, priority="cmdline")
    return settings


QUIET_LOGGERS = ("scrapy.downloadermiddlewares.retry",)
# Scrapy's own "Error downloading <GET …>" lines: every filmbuzz request has an errback that
# says what failed and what to do, so these would say it twice (and come first)
DOWNLOAD_ERROR_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


class DemoteDownloadErrors(logging.Filter):
    """Turns Scrapy's "Error downloading" records into INFO: kept in the log file, never
    collected as the run's errors (the spider's one line is)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith("Error downloading"):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class ErrorCollector(logging.Handler):
    """Keeps the ERROR lines of the run, so the CLI can show them without digging in the log file."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(QUIET_LOGGERS):
            return  # the spider's own line says it better (these stay in the log file)
        self.lines.append(record.getMessage().splitlines()[0][:500])


def summarise(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None and crawler.spidercls is not None
    stats = crawler.stats.get_stats()
    name = crawler.spidercls.name
    prefix = f"filmbuzz/{name}/"
    return {
        "posts": stats.get(f"{prefix}posts_written", 0),
        "signals": stats.get(f"{prefix}signals_written", 0),
        "errors": sum(
            v for k, v in stats.items() if k.startswith(f"{prefix}errors") and k.count("/") == 2
        ),
        "dropped": stats.get("item_dropped_count", 0),
        "requests": stats.get("downloader/request_count", 0),
        "finish_reason": stats.get("finish_reason"),
        "elapsed": _elapsed(stats),
        "counters": {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)},
    }


def _elapsed(stats: dict[str, Any]) -> float:
    start, finish = stats.get("start_time"), stats.get("finish_time")
    return (finish - start).total_seconds() if start and finish else 0.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = load_config(args.config)
    data_dir = Path(args.data_dir)
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    settings = build_settings(
        config, data_dir, json.loads(args.host_map), args.fast, data_dir / "logs" / "crawl.log"
    )
    if args.flush_items:
        settings.set("FILMBUZZ_FLUSH_ITEMS", args.flush_items, priority="cmdline")
    process = CrawlerProcess(settings)
    collector = ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    redactor = credentials.SecretRedactor(credentials.all_secrets())
    for handler in root.handlers:
        handler.addFilter(redactor)
    for name in DOWNLOAD_ERROR_LOGGERS:
        logging.getLogger(name).addFilter(DemoteDownloadErrors())
    crawlers = []
    spider_kwargs: dict[str, Any] = {}
    if args.films:
        spider_kwargs["films"] = args.films
    if args.backfill_days:
        spider_kwargs["backfill_days"] = args.backfill_days
    for name in args.spiders:
        crawler = process.create_crawler(name)
        crawler.settings.update(impersonation_settings(config, name), priority="spider")
        crawlers.append(crawler)
        process.crawl(crawler, **spider_kwargs)
    process.start()
    return {
        "sources": {c.spidercls.name: summarise(c) for c in crawlers if c.spidercls},
        "error_lines": collector.lines,
    }


def exit_with_parent() -> None:
    """Ask Linux to send SIGTERM when `filmbuzz` dies, even by SIGKILL: Scrapy then stops
    cleanly (items flushed, cursors saved) instead of crawling on unattended."""
    if not sys.platform.startswith("linux"):
        return
    parent = int(os.environ.get("FILMBUZZ_PARENT_PID") or os.getppid())
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit("filmbuzz: the crawl's parent process is gone; not crawling")


def main() -> None:
    exit_with_parent()
    parser = argparse.ArgumentParser(prog="python -m crawlers.runner")
    parser.add_argument("--config", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--host-map", default="{}")
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--films", default="")
    parser.add_argument("--backfill-days", type=int, default=0)
    parser.add_argument("--flush-items", type=int, default=0)
    parser.add_argument("spiders", nargs="+")
    args = parser.parse_args()
    summary = run(args)
    path = Path(args.summary)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
