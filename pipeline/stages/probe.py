"""A small synchronous HTTP client for `filmbuzz check`: one request at a time, our User-Agent,
TLS verified, real hosts rewritten to stand-ins (the replay site) by a host map."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from crawlers.hosts import HostMap

MAX_BODY = 2 * 1024 * 1024  # a probe reads at most this much of an answer


class Unreachable(Exception):
    """No HTTP answer at all: DNS, connection, TLS or timeout."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Probe:
    def __init__(self, user_agent: str, hosts: HostMap, timeout: float = 15.0) -> None:
        self.user_agent, self.hosts, self.timeout = user_agent, hosts, timeout

    def get(self, url: str, headers: dict[str, str] | None = None) -> Answer:
        return self._send(urllib.request.Request(self.hosts.url(url), headers=headers or {}))

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        request = urllib.request.Request(self.hosts.url(url), data=body, headers=headers)
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> Answer:
        request.add_header("User-Agent", self.user_agent)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read(MAX_BODY))
        except urllib.error.HTTPError as exc:
            with exc:
                return Answer(exc.code, exc.read(MAX_BODY))
        except urllib.error.URLError as exc:
            raise Unreachable(str(exc.reason)) from None
        except TimeoutError:
            raise Unreachable(f"no answer within {self.timeout:.0f} s") from None
        except OSError as exc:
            raise Unreachable(str(exc)) from None
