"""An HTTP proxy in front of osmem that can answer 429 to bulk requests or go away and come back."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultyProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.too_many = 0  # answer 429 to this many next bulk requests
        self.bulk_requests = 0
        self.stop_after_bulks: int | None = None  # go away once this many bulks were forwarded
        self.answered_429 = 0
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultyProxy:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            threading.Thread(target=lambda: (server.shutdown(), server.server_close())).start()

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        if path.split("?")[0].endswith("/_bulk"):
            self.bulk_requests += 1
            if self.too_many > 0:
                self.too_many -= 1
                self.answered_429 += 1
                return (
                    429,
                    {"Content-Type": "application/json"},
                    b'{"error":{"type":"es_rejected_execution_exception","reason":"rejected"},"status":429}',
                )
            if self.stop_after_bulks is not None and self.bulk_requests > self.stop_after_bulks:
                self.stop()
                raise ConnectionResetError("proxy stopped")
        request = urllib.request.Request(self.target + path, data=body, method=method)
        for name, value in headers.items():
            if name.lower() not in HOP_HEADERS:
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def _handler(proxy: FaultyProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            try:
                status, headers, payload = proxy.forward(
                    self.command, self.path, dict(self.headers), body
                )
            except ConnectionResetError:
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in HOP_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
