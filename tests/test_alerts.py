"""Alerts: the spike test, the three checks, once-only firing, webhook and e-mail delivery."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from scipy.stats import nbinom, poisson

from pipeline.alerts.checks import find_alerts
from pipeline.alerts.detect import judge, spikes, upper_tail
from pipeline.alerts.job import run_alerts
from pipeline.cli import main
from pipeline.config import Config
from pipeline.jobs import runlog
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import enriched_post, posts

TODAY = date(2024, 3, 30)
FLAT = [9, 11, 10, 8, 12, 10, 9, 11, 10, 10, 13, 7, 10, 9, 11, 10, 12, 8, 10, 11, 9, 10, 10, 11]


@pytest.mark.parametrize(
    ("history", "count", "spike"),
    [
        (FLAT, 30, True),
        (FLAT, 16, False),
        ([1, 0, 2, 1, 0, 1, 1, 2, 0, 1], 5, False),  # improbable, but only +4 posts
        ([1, 0, 2, 1, 0, 1, 1, 2, 0, 1], 12, True),
        ([*FLAT[:10], 60, *FLAT[10:]], 30, True),  # an earlier spike does not mask this one
        ([0] * 20, 3, False),
    ],
)
def test_detect_judge_spikes_only_past_noise(history: list[int], count: int, spike: bool) -> None:
    verdict = judge(history, count)
    assert verdict is not None and verdict.spike is spike


def test_detect_judge_needs_a_week_of_history() -> None:
    assert judge([10, 10, 10], 50) is None


@pytest.mark.parametrize(("count", "mean", "size"), [(25, 10.0, None), (3, 0.5, None),
                         (25, 10.0, 10.0), (80, 50.0, 20.0), (1, 4.0, 2.0)])  # fmt: skip
def test_detect_upper_tail_matches_scipy(count: int, mean: float, size: float | None) -> None:
    expected = (
        poisson.sf(count - 1, mean)
        if size is None
        else nbinom.sf(count - 1, size, size / (size + mean))
    )
    assert upper_tail(count, mean, size) == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_detect_spikes_finds_the_injected_day() -> None:
    series = FLAT + FLAT
    series[40] = 35
    assert [day for day, _ in spikes(series)] == [40]


def _at(day: date, hour: int = 15) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _rows() -> list[dict[str, Any]]:
    rows, n = [], 0
    for back in range(30, 0, -1):  # red-rooms: ~10 a day, then 40 today
        day = TODAY - timedelta(days=back)
        for _ in range(FLAT[back % len(FLAT)]):
            n += 1
            rows.append(enriched_post(n, published=_at(day), country="CA"))
    for i in range(40):
        n += 1
        rows.append(enriched_post(n, published=_at(TODAY, 10 + i % 10), country="CA"))
    for i in range(6):  # where-to-watch asks from France (no release there) this week
        n += 1
        day = TODAY - timedelta(days=i % 5)
        rows.append(enriched_post(n, published=_at(day), country="FR", intents=["where_to_watch"]))
    n += 1  # first post from Brazil yesterday
    rows.append(enriched_post(n, published=_at(TODAY - timedelta(days=1)), country="BR"))
    for i in range(6):  # where-to-watch asks from Canada, where it is released: no alert
        rows.append(enriched_post(n + 1 + i, published=_at(TODAY), country="CA",
                                  intents=["where_to_watch"]))  # fmt: skip
    return rows


@pytest.fixture
def store(example_config: Config) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(example_config.data_dir / "store.duckdb")
    store.write_posts(posts(_rows()))
    yield store
    store.close()


def test_alerts_find_spike_new_country_and_where_to_watch(
    example_config: Config, store: EmbeddedStore
) -> None:
    keys = sorted(a.key for a in find_alerts(store, example_config, TODAY))
    assert keys == [
        "new_country:red-rooms:BR",
        f"spike:red-rooms:{TODAY.isoformat()}",
        "where_to_watch:red-rooms:FR:2024-W13",
    ]


def test_alerts_quiet_day_finds_no_spike(example_config: Config, store: EmbeddedStore) -> None:
    quiet = TODAY - timedelta(days=10)
    assert not [a for a in find_alerts(store, example_config, quiet) if a.kind == "spike"]


def test_alerts_rerun_never_fires_twice(example_config: Config, store: EmbeddedStore) -> None:
    first = run_alerts(store, example_config, TODAY, env={})
    again = run_alerts(store, example_config, TODAY, env={})
    assert len(first.new) == 3 and again.new == []
    logged = list(runlog.events(example_config.data_dir, "alert"))
    assert sorted(a["key"] for a in logged) == sorted(a.key for a in first.new)


class _Receiver(BaseHTTPRequestHandler):
    status = 200
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).status == 200:
            type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/secret-token", handler
    server.shutdown()
    server.server_close()
    thread.join()


def _with_alerts(config: Config, **options: Any) -> Config:
    return config.model_copy(update={"alerts": config.alerts.model_copy(update=options)})


def test_alerts_webhook_gets_json_once_and_owed_alerts_after_a_failure(
    example_config: Config, store: EmbeddedStore, webhook: tuple[str, type[_Receiver]]
) -> None:
    url, receiver = webhook
    config = _with_alerts(example_config, webhook=url)
    receiver.status = 503
    failed = run_alerts(store, config, TODAY, env={})
    assert failed.failures and "secret-token" not in failed.failures[0]
    assert "answered 503" in failed.failures[0]
    receiver.status = 200
    owed = run_alerts(store, config, TODAY, env={})
    assert owed.new == [] and owed.delivered == {"webhook": 3}
    assert run_alerts(store, config, TODAY, env={}).delivered == {}
    (payload,) = receiver.received
    assert payload["project"] == config.project.name
    assert {a["kind"] for a in payload["alerts"]} == {"spike", "new_country", "where_to_watch"}


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # aiosmtpd needs a known port to check it started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, inbox
    controller.stop()


def test_alerts_email_reaches_a_local_smtp_server(
    example_config: Config, store: EmbeddedStore, smtp: tuple[Controller, _Inbox]
) -> None:
    controller, inbox = smtp
    config = _with_alerts(example_config, smtp_host="127.0.0.1", smtp_port=controller.port,
                          smtp_starttls=False, smtp_to=["team@example.org"])  # fmt: skip
    result = run_alerts(store, config, TODAY, env={})
    assert result.delivered == {"email": 3} and not result.failures
    (raw,) = inbox.messages
    message = message_from_bytes(raw)
    assert message["To"] == "team@example.org" and "red-rooms" in message["Subject"]
    assert "where-to-watch asks from FR" in message.get_payload()  # type: ignore[operator]


def test_alerts_email_username_without_password_is_one_line(
    example_config: Config, store: EmbeddedStore
) -> None:
    config = _with_alerts(example_config, smtp_host="127.0.0.1", smtp_port=1, smtp_username="me",
                          smtp_to=["team@example.org"])  # fmt: skip
    (line,) = run_alerts(store, config, TODAY, env={}).failures
    assert "FILMBUZZ_SMTP_PASSWORD" in line


def test_cli_alerts_prints_new_alerts_then_nothing(
    example_config: Config, store: EmbeddedStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.close()
    args = ["alerts", "--config", str(example_config.path), "--date", TODAY.isoformat()]
    assert main(args) == 0
    assert "[spike] Red Rooms: 48 posts" in capsys.readouterr().out
    assert main(args) == 0
    assert "0 new alert(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "url",
    ["http://user:pw-secret@127.0.0.1:9/hook", "http://127.0.0.1:9/hooks/T0/pw-secret?k=pw-secret"],
)
def test_alerts_unreachable_webhook_line_shows_no_secret(
    example_config: Config, store: EmbeddedStore, url: str
) -> None:
    config = _with_alerts(example_config, webhook=url, timeout=2)
    (line,) = run_alerts(store, config, TODAY, env={}).failures
    assert "127.0.0.1:9 unreachable" in line and "pw-secret" not in line
