"""Crawls on Scrapyd nodes: schedule the project's spiders (deployed with `scrapyd-deploy`) and
wait for them, through Scrapyd's JSON API.

A node needs the config file and a data folder it can write (shared storage, or its own lake
that is gathered later); both are passed as spider settings, as `crawlers.runner` does locally.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.errors import CrawlError

PROJECT = "filmbuzz"


def _call(node: str, endpoint: str, data: Sequence[tuple[str, str]] | None = None) -> Any:
    url = urllib.parse.urljoin(node.rstrip("/") + "/", endpoint)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=30) as response:
            answer = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CrawlError(f"Scrapyd at {node}: {endpoint} failed ({exc}); is the node up?") from None
    if answer.get("status") != "ok":
        raise CrawlError(f"Scrapyd at {node}: {endpoint} said {answer.get('message', answer)}")
    return answer


FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "RETRY_TIMES": "2"}


def crawl_settings(
    config_path: str, data_dir: str, host_map: Mapping[str, str] | None = None, fast: bool = False
) -> dict[str, str]:
    """The settings a node's spider needs: paths as the node sees them, the host map as JSON;
    `fast` drops the politeness delays (a local replay site only)."""
    settings = {"FILMBUZZ_CONFIG": config_path, "FILMBUZZ_DATA_DIR": data_dir}
    if host_map:
        settings["FILMBUZZ_HOST_MAP"] = json.dumps(dict(host_map))
    return settings | (FAST if fast else {})


def schedule(
    node: str, spiders: Sequence[str], settings: Mapping[str, str], project: str = PROJECT
) -> dict[str, str]:
    """Schedule each spider on the node; returns spider -> Scrapyd job id."""
    jobs = {}
    for spider in spiders:
        data = [("project", project), ("spider", spider)]
        data += [("setting", f"{k}={v}") for k, v in settings.items()]
        jobs[spider] = str(_call(node, "schedule.json", data)["jobid"])
    return jobs


def wait(node: str, jobs: Mapping[str, str], timeout: float = 3600, project: str = PROJECT) -> None:
    """Block until every job has finished; CrawlError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pending = set(jobs.values())
    while pending:
        finished = _call(node, f"listjobs.json?project={project}")["finished"]
        pending -= {job["id"] for job in finished}
        if pending and time.monotonic() > deadline:
            raise CrawlError(
                f"Scrapyd at {node}: {len(pending)} job(s) still running after {timeout:.0f}s"
            )
        if pending:
            time.sleep(0.5)
