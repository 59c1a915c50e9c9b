"""Dashboard sign-in: off on loopback, required elsewhere; anonymous requests get no data.

The servers run as `filmbuzz dashboard` child processes (one Dash app per process), reached
on 127.0.0.1 even when bound to every address.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dashboards import ids
from dashboards.auth import USERS_ENV, _local, hash_entry, users_from
from dashboards.errors import DashboardError
from pipeline.cli import main
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import enriched_post, posts

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
NAME, PASSWORD = "ana", "a long enough passphrase"
MARKER = "Quasimodal"  # a word only the seeded posts contain
STARTUP_SECONDS = 120


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]

    def stop(self) -> str:
        """Stop the server; its stderr."""
        self.process.terminate()
        _, err = self.process.communicate(timeout=60)
        return err


def write_config(folder: Path) -> Path:
    path = folder / "filmbuzz.toml"
    path.write_text(
        '[project]\nname = "Auth test"\ncontact = "test@distributor.ca"\n\n'
        '[[films]]\nslug = "red-rooms"\ntitle = "Red Rooms"\nyear = 2023\n',
        encoding="utf-8",
    )
    rows = [
        enriched_post(n, published=datetime(2023, 7, n, 15, tzinfo=UTC), text=f"{MARKER} post {n}")
        for n in range(1, 6)
    ]
    store = EmbeddedStore(folder / "data" / "store.duckdb")
    store.write_posts(posts(rows))
    store.close()
    return path


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("auth"))


def start(config: Path, host: str, *extra: str, users: str = "") -> Server:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", USERS_ENV: users}
    command = [sys.executable, "-m", "pipeline.cli", "dashboard", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--host", host, "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    watchdog = threading.Timer(STARTUP_SECONDS, process.kill)  # a server that never says so
    watchdog.start()
    line = process.stdout.readline() if process.stdout else ""
    watchdog.cancel()
    assert line.startswith("dashboard on http://"), (line, process.stderr and process.stderr.read())
    port = line.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]
    return Server(f"http://127.0.0.1:{port}", process)


@pytest.fixture(scope="module")
def guarded(config_path: Path) -> Iterator[Server]:
    server = start(config_path, "0.0.0.0", users=hash_entry(NAME, PASSWORD))
    yield server
    assert "GET /" not in server.stop()  # quiet: no access log without --verbose


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(
    url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, dict[str, str]]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode(), dict(exc.headers)


@pytest.mark.parametrize(
    "path", ["/", "/film/red-rooms", "/report/red-rooms.html", "/assets/topojson/world_110m.json"]
)
def test_anonymous_page_visits_go_to_sign_in(guarded: Server, path: str) -> None:
    status, body, headers = fetch(guarded.url + path)
    assert status == 302 and headers["Location"] == f"/sign-in?next={path}"
    assert MARKER not in body


@pytest.mark.parametrize(
    "path", ["/_dash-layout", "/_dash-dependencies", "/_dash-update-component"]
)
def test_anonymous_dash_routes_get_401(guarded: Server, path: str) -> None:
    body = json.dumps({"output": "x.children", "inputs": [], "changedPropIds": []}).encode()
    status, text, _ = fetch(guarded.url + path, body if "update" in path else None,
                            {"Content-Type": "application/json"})  # fmt: skip
    assert status == 401 and json.loads(text) == {"error": "sign in first"}


def test_sign_in_form_without_its_token_is_refused(guarded: Server) -> None:
    status, page, _ = fetch(guarded.url + "/sign-in")
    assert status == 200 and 'name="csrf_token"' in page
    form = f"name={NAME}&password={PASSWORD}&next=/".encode()
    status, page, _ = fetch(guarded.url + "/sign-in", form)  # no token, no session cookie
    assert status == 400 and "expired" in page


def test_dashboard_off_loopback_refuses_to_start_without_users(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(USERS_ENV, raising=False)
    argv = ["dashboard", "--config", str(config_path), "--host", "0.0.0.0", "--port", "0"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and USERS_ENV in captured.err


def test_busy_port_is_one_line_and_nothing_says_serving(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["dashboard", "--config", str(config_path), "--port", str(port)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"cannot listen on 127.0.0.1:{port}" in captured.err
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize("verbose", [False, True])
def test_loopback_needs_no_sign_in_and_logs_requests_only_when_verbose(
    config_path: Path, verbose: bool
) -> None:
    server = start(config_path, "127.0.0.1", *(["--verbose"] if verbose else []))
    try:
        status, layout, _ = fetch(server.url + "/_dash-layout")
    finally:
        log = server.stop()
    assert status == 200 and "Sign out" not in layout
    assert ("GET /_dash-layout" in log) is verbose


@pytest.mark.parametrize(
    ("value", "problem"),
    [("ana:hunter22", "entry 1 is not name:password-hash"), ("ana", "entry 1"),
     ("ok:scrypt:1$a$b bad name:scrypt:1$a$b", "entry 2")],
)  # fmt: skip
def test_users_must_be_hashed_entries(value: str, problem: str) -> None:
    with pytest.raises(DashboardError, match=problem):
        users_from({USERS_ENV: value})


def test_hash_entries_round_trip_and_next_stays_on_site() -> None:
    entries = f"{hash_entry('ana', PASSWORD)},\n{hash_entry('bo', 'another passphrase')}"
    assert sorted(users_from({USERS_ENV: entries})) == ["ana", "bo"]
    with pytest.raises(DashboardError, match="8 characters"):
        hash_entry("ana", "short")
    assert [_local(t) for t in ("/film/x?from=2023-07-01", "//evil.example/", "https://evil.example", "/\\evil")] == [
        "/film/x?from=2023-07-01", "/", "/", "/"
    ]  # fmt: skip


@pytest.mark.browser
def test_browser_signs_in_sees_the_film_and_callbacks_need_the_session(guarded: Server) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium to run")
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_dashboard_browser import ARGS

    with sync_api.sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(30_000)
            sign_in_and_check(page, guarded)
        finally:
            browser.close()


def sign_in_and_check(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/film/red-rooms")
    assert page.url == f"{server.url}/sign-in?next=/film/red-rooms"
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.locator(".js-plotly-plot").count() == 0 and MARKER not in page.content()
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong name or password."

    callbacks: list[tuple[str, str, str]] = []  # (url, body, answer) of each Dash callback

    def record(route: Route) -> None:
        answer = route.fetch()
        callbacks.append((route.request.url, route.request.post_data or "", answer.text()))
        route.fulfill(response=answer)

    page.route(lambda url: "/_dash-update-component" in url, record)
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/film/red-rooms")
    page.wait_for_selector(f"#{ids.MENTIONS_GRAPH} .main-svg")
    page.wait_for_selector(f"#{ids.TOP_POSTS} li.post")
    assert MARKER in page.locator(f"#{ids.TOP_POSTS}").inner_text()

    # The callback that answered with the posts, sent again without the session: 401, no posts.
    url, body = next((url, sent) for url, sent, answer in callbacks if MARKER in answer)
    status, answer, _ = fetch(url, body.encode(), {"Content-Type": "application/json"})
    assert status == 401 and MARKER not in answer
    again = page.request.post(url, data=body, headers={"Content-Type": "application/json"})
    assert again.status == 200 and MARKER in again.text()
    report = page.request.get(f"{server.url}/report/red-rooms.html")
    assert report.status == 200 and "Red Rooms (2023)" in report.text()

    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url(f"{server.url}/sign-in")
    page.goto(f"{server.url}/film/red-rooms")
    assert page.url.startswith(f"{server.url}/sign-in")
