"""The overview's crawl health table: per source, its last run and last success, status, counts
(quarantined records too), and the first error."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboards import components, figures, ids

_STATUS_COLORS = {"ok": "#2f9e44", "errors": "#f08c00", "failed": "#e03131", "skipped": "#868e96"}


def health_table(rows: list[dict[str, Any]]) -> html.Div:
    """The last crawl of each source: when, how it went, what it brought, the first error."""
    heading = html.H3("Crawl health", style={"margin": "0 0 8px", "fontSize": "15px"})
    if not rows:
        body: Any = html.P(
            "No crawl has run yet: `filmbuzz crawl`.", style={"color": figures.MUTED}
        )
    else:
        head = html.Tr(
            [
                html.Th(h)
                for h in (
                    "Source",
                    "Last run",
                    "Last success",
                    "Status",
                    "Posts",
                    "Signals",
                    "Errors",
                    "Quarantined",
                )
            ]
        )
        body = html.Table(
            [html.Thead(head), html.Tbody([tr for row in rows for tr in _health_rows(row)])],
            className="health",
            style={"width": "100%", "borderCollapse": "collapse", "fontSize": "13px"},
        )
    return html.Div([heading, body], id=ids.CRAWL_HEALTH, style=components.CARD)


def _health_rows(row: dict[str, Any]) -> list[html.Tr]:
    """The source's row, and below it the first error line of its last run, if any."""
    message = str(row.get("message") or "")
    if not message or row["status"] == "ok":
        return [_health_row(row)]
    note = html.Td(message, colSpan=8, className="health-message", style=_MESSAGE)
    return [_health_row(row), html.Tr(note)]


_QUARANTINED = (
    "Records of this source a stage could not take as they came (set aside, or repaired and "
    "kept as they came), all runs: `filmbuzz sources`, lake/quarantine"
)
_MESSAGE = {"color": "#c92a2a", "fontSize": "12px", "borderTop": "none", "paddingTop": 0}


def _health_row(row: dict[str, Any]) -> html.Tr:
    status = str(row["status"])
    last, success = (
        str(row.get(key) or "never").replace("T", " ")[:16] for key in ("last_run", "last_success")
    )
    dot = html.Span(
        "●", style={"color": _STATUS_COLORS.get(status, figures.MUTED), "marginRight": "6px"}
    )
    return html.Tr(
        [
            html.Td(str(row["name"])),
            html.Td(last),
            html.Td(success),
            html.Td([dot, status], title=str(row.get("message") or "")),
            html.Td(f"{row['posts']:,}"),
            html.Td(f"{row['signals']:,}"),
            html.Td(f"{row['errors']:,}"),
            html.Td(f"{row['quarantined']:,}", title=_QUARANTINED),
        ]
    )
