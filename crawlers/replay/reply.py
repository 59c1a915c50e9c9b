"""The request and reply the replay apps exchange with the server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    host: str
    base: str  # this server's own base URL, for absolute links such as Mastodon's Link header
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    method: str = "GET"
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    def bearer(self) -> str | None:
        value = self.header("Authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Reply(
        status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )


def text_reply(
    text: str, content_type: str, status: int = 200, headers: dict[str, str] | None = None
) -> Reply:
    return Reply(status, text.encode("utf-8"), {"Content-Type": content_type, **(headers or {})})


ROBOTS_ALLOW_ALL = "User-agent: *\nDisallow:\n"
