"""Errors raised while setting up a crawl (bad spider arguments); per-source failures are logged, not raised."""

from __future__ import annotations


class SpiderArgumentError(ValueError):
    """A spider argument is invalid: the message names it and what to pass instead."""
