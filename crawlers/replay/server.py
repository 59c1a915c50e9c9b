"""The replay HTTP server: one loopback port per real host, so root-relative links work as on the real site."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from crawlers.replay import (
    bluesky,
    feeds,
    letterboxd,
    mastodon,
    reddit,
    tmdb,
    wikimedia,
    wikipedia,
    x,
    youtube,
)
from crawlers.replay.accounts import DEMO_ENV, REPLAY_TMDB_READ_TOKEN
from crawlers.replay.jetstream import JetstreamServer
from crawlers.replay.reply import Reply, Request
from crawlers.replay.snapshot import Snapshot

App = Callable[[Request], Reply]

MASTODON_INSTANCES = ("mastodon.social", "piaille.fr")
FEED_HOSTS = ("www.indiewire.com", "filmmakermagazine.com", "natalie.mu", "www.youtube.com")
WIKIPEDIA_EDITIONS = ("en", "fr", "ja", "ko")
JETSTREAM_HOST = "jetstream2.us-east.bsky.network"


@dataclass
class Fault:
    """An answer to give instead of the real one, `times` times, for paths starting with `path`."""

    path: str = "/"
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    times: int = 1
    delay: float = 0.0
    truncate: bool = False


class FaultPlan:
    """Faults per host, consumed in order; thread-safe because the server answers in threads."""

    def __init__(self) -> None:
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def add(self, host: str, fault: Fault) -> None:
        with self._lock:
            self._faults.setdefault(host, []).append(fault)

    def take(self, host: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults.get(host, []):
                if fault.times > 0 and path.startswith(fault.path):
                    fault.times -= 1
                    return fault
        return None


class ReplaySite:
    """Serves the snapshot for every replayed host; `start()` returns the host map for the crawlers."""

    def __init__(
        self,
        snapshot: Snapshot | None = None,
        cutoff: datetime | None = None,
        credentials: dict[str, str] | None = None,
    ) -> None:
        self.snapshot = (snapshot or Snapshot.load()).until(cutoff)
        self.faults = FaultPlan()
        # what the replayed services accept
        keys = {
            **DEMO_ENV,
            "FILMBUZZ_TMDB_READ_TOKEN": REPLAY_TMDB_READ_TOKEN,
            **(credentials or {}),
        }
        self.bluesky = bluesky.Sessions(
            keys["FILMBUZZ_BLUESKY_HANDLE"], keys["FILMBUZZ_BLUESKY_APP_PASSWORD"]
        )
        self.reddit = reddit.Tokens(
            keys["FILMBUZZ_REDDIT_CLIENT_ID"], keys["FILMBUZZ_REDDIT_CLIENT_SECRET"]
        )
        self.keys = keys
        self.latency = 0.0  # seconds added to every answer (a slow site, for kill tests)
        self.jetstream = JetstreamServer(self.snapshot)
        self.requests: list[tuple[str, str]] = []
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []

    def apps(self) -> dict[str, App]:
        snapshot = self.snapshot
        apps: dict[str, App] = {
            "letterboxd.com": lambda r: letterboxd.app(snapshot, r),
            "wikimedia.org": lambda r: wikimedia.app(snapshot, r),
            "bsky.social": lambda r: bluesky.app(snapshot, self.bluesky, r),
            "www.reddit.com": lambda r: reddit.www_app(self.reddit, r),
            "oauth.reddit.com": lambda r: reddit.oauth_app(snapshot, self.reddit, r),
            "www.googleapis.com": lambda r: youtube.app(
                snapshot, self.keys["FILMBUZZ_YOUTUBE_API_KEY"], r
            ),
            "api.x.com": lambda r: x.app(snapshot, self.keys["FILMBUZZ_X_BEARER_TOKEN"], r),
            "api.themoviedb.org": lambda r: tmdb.app(
                snapshot,
                (self.keys["FILMBUZZ_TMDB_API_KEY"], self.keys["FILMBUZZ_TMDB_READ_TOKEN"]),
                r,
            ),
        }
        for host in FEED_HOSTS:
            apps[host] = lambda r: feeds.app(snapshot, r)
        for instance in MASTODON_INSTANCES:
            apps[instance] = lambda r, i=instance: mastodon.app(snapshot, i, r)  # type: ignore[misc]
        for lang in WIKIPEDIA_EDITIONS:
            project = f"{lang}.wikipedia"
            apps[f"{project}.org"] = lambda r, p=project: wikipedia.app(snapshot, p, r)  # type: ignore[misc]
        return apps

    def start(self) -> dict[str, str]:
        for host, app in self.apps().items():
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, host, app))
            server.daemon_threads = True
            self._servers[host] = server
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},  # so that stop() is quick for a dozen hosts
                name=f"replay-{host}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        self._jetstream_url = self.jetstream.start()
        return self.host_map

    @property
    def host_map(self) -> dict[str, str]:
        hosts = {
            host: f"http://127.0.0.1:{s.server_address[1]}" for host, s in self._servers.items()
        }
        if self._servers:
            hosts[JETSTREAM_HOST] = self._jetstream_url
        return hosts

    def stop(self) -> None:
        self.jetstream.stop()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> ReplaySite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(site: ReplaySite, host: str, app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            site.requests.append((host, self.path))
            base = f"http://127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                host,
                base,
                parts.path,
                parse_qs(parts.query),
                dict(self.headers),
                self.command,
                body,
            )
            fault = site.faults.take(host, parts.path)
            if site.latency:
                time.sleep(site.latency)
            reply = _fault_reply(fault) if fault else app(request)
            self._send(reply, truncate=bool(fault and fault.truncate))

        do_POST = do_GET

        def _send(self, reply: Reply, truncate: bool) -> None:
            body = reply.body
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if truncate else body)
            if truncate:
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _fault_reply(fault: Fault) -> Reply:
    if fault.delay:
        time.sleep(fault.delay)
    return Reply(
        fault.status, fault.body, {"Content-Type": "text/html; charset=utf-8", **fault.headers}
    )
