"""Every failure is said once, in our words: no Scrapy "Error downloading" line beside ours, a
refused or empty login is one line, failed DNS look-ups leave a source "failed", an unknown
film slug is refused before anything runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.replay import Fault, ReplaySite
from pipeline.cli import main
from pipeline.config import Config
from pipeline.stages.crawl import crawl
from pipeline.stages.sources import source_statuses
from tests.replay_config import all_sources_config
from tests.test_sources import PLANTED

JSON = {"Content-Type": "application/json; charset=utf-8"}
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there, so it refuses

# The crawl child with a resolver that fails every look-up, as with no DNS at all.
DNS_CHILD = """
import sys
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from scrapy.resolver import CachingThreadedResolver

import crawlers.runner as runner


class NoDns(CachingThreadedResolver):
    def getHostByName(self, name, timeout=()):
        return defer.fail(DNSLookupError(f"no results for hostname lookup: {name}"))


sys.modules["nodns"] = sys.modules[__name__]
build = runner.build_settings


def without_dns(*args, **kwargs):
    settings = build(*args, **kwargs)
    settings.set("DNS_RESOLVER", "nodns.NoDns", priority="cmdline")
    return settings


runner.build_settings = without_dns
runner.exit_with_parent = lambda: None
runner.main()
"""


def statuses(config: Config) -> dict[str, object]:
    return {s.name: s for s in source_statuses(config, env=PLANTED)}


def test_connection_failures_are_one_line_per_host_in_our_words(tmp_path: Path) -> None:
    config = all_sources_config(tmp_path)
    hosts = ["www.indiewire.com", "filmmakermagazine.com", "natalie.mu", "www.youtube.com"]
    result = crawl(config, ["feeds"], {h: CLOSED for h in hosts}, fast=True)
    assert result.error_lines, "the failure is reported"
    assert not [line for line in result.error_lines if "Error downloading" in line]
    assert all(line.startswith("feeds: ") for line in result.error_lines)
    assert len(result.error_lines) == len(set(result.error_lines)) == 1, "one host, one line"
    row = statuses(config)["feeds"]
    assert row.status == "failed" and row.errors > 0  # type: ignore[attr-defined]
    assert row.message == result.error_lines[0]  # type: ignore[attr-defined]
    log = (config.data_dir / "logs" / "crawl.log").read_text(encoding="utf-8")
    assert "INFO: Error downloading" in log, "Scrapy's line stays in the log file, below errors"


def test_failed_dns_lookups_leave_the_source_failed_with_our_line(tmp_path: Path) -> None:
    from pipeline.stages.sources import record_runs

    config = all_sources_config(tmp_path)
    summary = tmp_path / "summary.json"
    command = [sys.executable, "-c", DNS_CHILD, "--config", str(config.path)]
    command += ["--data-dir", str(config.data_dir), "--summary", str(summary), "--fast", "feeds"]
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    data = json.loads(summary.read_text(encoding="utf-8"))
    lines = data["error_lines"]
    assert len(lines) == 4 and all("DNS lookup failed" in line for line in lines), lines
    assert all(line.startswith("feeds: ") for line in lines)
    assert data["sources"]["feeds"]["errors"] >= 4
    record_runs(config.data_dir / "state", data["sources"], {}, lines)
    row = statuses(config)["feeds"]
    assert row.status == "failed" and row.message.startswith("feeds: https://www.indiewire.com")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        ({"accessJwt": "", "refreshJwt": "", "handle": "x", "did": "did:plc:x"}, "without an access token"),
        ({"accessJwt": "", "active": False, "status": "takendown"}, "account status: takendown"),
    ],
)  # fmt: skip
def test_bluesky_session_without_token_is_one_clear_line(
    tmp_path: Path, session: dict[str, object], expected: str
) -> None:
    config = all_sources_config(tmp_path)
    with ReplaySite(credentials=PLANTED) as site:
        body = json.dumps(session).encode()
        site.faults.add(
            "bsky.social", Fault("/xrpc/com.atproto.server.createSession", 200, JSON, body)
        )
        result = crawl(config, ["bluesky"], site.host_map, fast=True, env=PLANTED)
    assert len(result.error_lines) == 1, result.error_lines
    line = result.error_lines[0]
    assert line.startswith("bluesky: ") and expected in line and "FILMBUZZ_BLUESKY_HANDLE" in line
    assert result.sources["bluesky"]["errors"] == 1
    assert statuses(config)["bluesky"].status == "failed"  # type: ignore[attr-defined]


def test_crawl_refuses_an_unknown_film_slug_with_one_line(
    example_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["crawl", "--config", str(example_config.path), "--film", "no-such-film"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1
    assert "no film with slug 'no-such-film'" in err[0] and "red-rooms" in err[0]
    assert not (example_config.data_dir / "lake").exists(), "nothing was crawled"
