"""Errors of the dashboards that the CLI turns into one line and a non-zero exit."""

from __future__ import annotations

from pipeline.errors import FilmbuzzError


class DashboardError(FilmbuzzError):
    """The dashboards cannot start as asked: sign-in not set up, a port taken, a bad address."""
