"""Errors the CLI turns into one clear line and a non-zero exit."""

from __future__ import annotations


class FilmbuzzError(Exception):
    """Base of every error a user can act on: the message says what, where and what to do."""


class ConfigError(FilmbuzzError):
    """The config file is missing, unreadable or invalid."""


class LakeError(FilmbuzzError):
    """A lake file cannot be read or written."""


class StoreError(FilmbuzzError):
    """The store cannot be opened, written or queried."""


class InputError(FilmbuzzError):
    """A user-supplied input file (JSON Lines, CSV…) is malformed."""


class CrawlError(FilmbuzzError):
    """A crawl could not run at all (as opposed to one source failing)."""
