"""Credentials: read only from environment variables, never logged, never written anywhere.

`REQUIRED` names the variables each keyed source needs; `SecretRedactor` is a logging filter
that replaces any of their values with `***` in every log line, as a second line of defence.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Mapping

REQUIRED: dict[str, tuple[str, ...]] = {
    "reddit": ("FILMBUZZ_REDDIT_CLIENT_ID", "FILMBUZZ_REDDIT_CLIENT_SECRET"),
    "bluesky": ("FILMBUZZ_BLUESKY_HANDLE", "FILMBUZZ_BLUESKY_APP_PASSWORD"),
    "youtube": ("FILMBUZZ_YOUTUBE_API_KEY",),
    "x": ("FILMBUZZ_X_BEARER_TOKEN",),
}
# Sources that take either of several credentials (TMDB: a v4 read token, or a v3 API key)
ANY_OF: dict[str, tuple[str, ...]] = {
    "tmdb": ("FILMBUZZ_TMDB_READ_TOKEN", "FILMBUZZ_TMDB_API_KEY"),
}
SECRET_MIN_LENGTH = 4  # shorter values would redact ordinary words


def required(source: str) -> tuple[str, ...]:
    return REQUIRED.get(source, ()) or ANY_OF.get(source, ())


def missing(source: str, env: Mapping[str, str] | None = None) -> list[str]:
    """The variables `source` needs that are unset or empty (for an either-or source: all of
    them, when none is set)."""
    env = os.environ if env is None else env
    absent = [name for name in required(source) if not env.get(name, "").strip()]
    if source in ANY_OF and len(absent) < len(ANY_OF[source]):
        return []
    return absent


def skip_message(source: str, absent: list[str]) -> str:
    names = (" or " if source in ANY_OF else " and ").join(absent)
    return f"{source}: skipped — set {names} in the environment (README, Sources) to crawl it"


def read(source: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The source's credentials (those set) by variable name; empty if it cannot run."""
    env = os.environ if env is None else env
    if missing(source, env):
        return {}
    return {name: env[name].strip() for name in required(source) if env.get(name, "").strip()}


def all_secrets(env: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    every = [*REQUIRED.values(), *ANY_OF.values()]
    values = {env.get(n, "").strip() for names in every for n in names}
    return sorted((v for v in values if len(v) >= SECRET_MIN_LENGTH), key=len, reverse=True)


class SecretRedactor(logging.Filter):
    """Replaces secret values in a record's message and traceback before any handler writes it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True
