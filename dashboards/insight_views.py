"""The film page's "why it moved" and "who carries the buzz" panels (layout only).

Every number links to the Posts view of the posts behind it (`Drill`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboards import components, ids
from dashboards.drill import Drill
from dashboards.figures import MUTED, language_name
from dashboards.geo import country_name
from pipeline.insights.why import Explanation
from pipeline.stores.base import AUTHOR_RANKS

RANK_NAMES = {"posts": "Posts", "engagement": "Engagement", "reach": "Reach (followers)"}
_TABLE = {"width": "100%", "borderCollapse": "collapse", "fontSize": "13px"}
_H3 = {"margin": "0 0 8px", "fontSize": "16px"}
_H4 = {"margin": "12px 0 6px", "fontSize": "13px", "color": MUTED, "fontWeight": 500}


def panel(panel_id: str, title: str, controls: list[Any], body: list[Any]) -> html.Div:
    """A panel with its controls (bound to the URL) and its body."""
    bar = html.Div(
        controls,
        style={"display": "flex", "gap": "8px", "alignItems": "center", "flexWrap": "wrap"},
    )
    top = html.Div(
        [html.H3(title, style={**_H3, "margin": 0}), bar],
        style={
            "display": "flex",
            "justifyContent": "space-between",
            "gap": "12px",
            "flexWrap": "wrap",
            "marginBottom": "8px",
        },
    )
    return html.Div([top, html.Div(body, id=panel_id)], style=components.CARD)


def link(text: str, href: str) -> dcc.Link:
    return dcc.Link(text, href=href, className="post-link", style={"textDecoration": "none"})


def why_panel(found: Explanation | None, drill: Drill, unit: str) -> list[Any]:
    """The explanation of one period, or a word on why there is none."""
    if found is None:
        message = f"No spike in this range: pick a {unit} above to see what was different."
        return [html.P(message, className="why-none", style={"color": MUTED})]
    period = drill.period(found.start, unit)
    posts = link(f"{found.posts:,} posts", drill.href(**period))
    ratio = f" (×{found.posts / found.usual:.1f})" if found.usual >= 0.5 else ""
    summary: list[Any] = [
        html.Strong(_when(found.start, found.end)), ": ", posts,
        f", usually ~{found.usual:.0f} in a {unit} over the {found.baseline_days} days before{ratio}.",
    ]  # fmt: skip
    columns = components.grid(
        [
            _terms(found, drill, period),
            _growth(found, drill, period),
            _carriers(found, drill, period),
        ],
        "repeat(auto-fit, minmax(260px, 1fr))",
    )
    return [
        html.P(summary, className="why-summary", style={"margin": "0 0 4px"}),
        html.P(_event(found), className="why-event", style={"color": MUTED, "margin": "0 0 8px"}),
        columns,
        html.H4("Posts that carried it", style=_H4),
        components.post_list(found.top_posts),
    ]


def _when(start: date, end: date) -> str:
    return f"{start:%a %d %b %Y}" if start == end else f"{start:%d %b} – {end:%d %b %Y}"


def _event(found: Explanation) -> str:
    event = found.event
    if event is None:
        return "No event from the config in the two weeks before."
    days = (found.start - event.day).days
    when = "the same day" if days <= 0 else f"{days} day{'s' if days > 1 else ''} after it"
    return f"Follows {event.label} ({event.kind}, {event.day:%d %b %Y}), {when}."


def _terms(found: Explanation, drill: Drill, period: dict[str, str]) -> html.Div:
    rows = [
        html.Tr(
            [
                html.Td(link(term.text, drill.href(**period, q=term.text))),
                html.Td(f"{term.posts:,}", style={"textAlign": "right"}),
                html.Td(_per_day(term.per_day_before), style={"color": MUTED}),
            ]
        )
        for term in found.terms
    ]
    head = html.Tr([html.Th("Term or phrase"), html.Th("Posts"), html.Th("Before")])
    body: Any = (
        html.Table([html.Thead(head), html.Tbody(rows)], className="health", style=_TABLE)
        if rows
        else html.P("No term rose above its usual share.", style={"color": MUTED})
    )
    return html.Div([html.H4("Terms and phrases that rose", style=_H4), body], id=ids.WHY_TERMS)


def _per_day(value: float) -> str:
    if value == 0:
        return "none"
    return "<0.1/day" if value < 0.05 else f"~{value:.1f}/day"


def _growth(found: Explanation, drill: Drill, period: dict[str, str]) -> html.Div:
    keys = {"source": "source", "lang": "lang", "country": "country"}
    rows = [
        html.Tr(
            [
                html.Td(_value_name(g.dimension, g.value)),
                html.Td(link(f"{g.posts:,}", drill.href(**period, **{keys[g.dimension]: g.value}))),
                html.Td(f"+{g.posts - g.expected:.0f}", style={"color": "#2f9e44"}),
            ]
        )
        for g in found.growth[:6]
    ]
    head = html.Tr([html.Th("Grew"), html.Th("Posts"), html.Th("Above usual")])
    body = html.Table([html.Thead(head), html.Tbody(rows)], className="health", style=_TABLE)
    return html.Div([html.H4("Sources, languages, countries", style=_H4), body])


def _value_name(dimension: str, value: str) -> str:
    if dimension == "lang":
        return f"{language_name(value)} (language)"
    if dimension == "country":
        return f"{country_name(value)} (audience)"
    return value


def _carriers(found: Explanation, drill: Drill, period: dict[str, str]) -> html.Div:
    table = authors_table(found.authors, drill, period, followers=False)
    return html.Div([html.H4("Authors who carried it", style=_H4), table])


def authors_table(
    frame: pd.DataFrame,
    drill: Drill,
    period: dict[str, str] | None = None,
    followers: bool = True,
) -> Any:
    """Authors with their posts (a link to them), engagement and, with `followers`, reach."""
    if frame.empty:
        return html.P("No authors in this range.", style={"color": MUTED})
    rows = []
    for row in frame.itertuples(index=False):
        href = drill.href(**(period or {}), author=str(row.author), source=str(row.source))
        who = [
            html.Span(str(row.author), className="author"),
            html.Span(f" · {row.source}", style={"color": MUTED}),
        ]
        cells = [
            html.Td(who, style={"overflowWrap": "anywhere"}),
            html.Td(link(f"{int(row.posts):,}", href), style={"textAlign": "right"}),
            html.Td(f"{int(row.engagement):,}", style={"textAlign": "right"}),
        ]
        if followers:
            reach = "—" if pd.isna(row.followers) else f"{int(row.followers):,}"
            cells.append(html.Td(reach, style={"textAlign": "right"}))
        rows.append(html.Tr(cells))
    names = ["Author", "Posts", "Engagement", *(["Followers"] if followers else [])]
    head = html.Tr([html.Th(name) for name in names])
    return html.Table(
        [html.Thead(head), html.Tbody(rows)], className="health authors", style=_TABLE
    )


def authors_panel(frame: pd.DataFrame, top: pd.DataFrame, drill: Drill, timezone: str) -> list[Any]:
    """Who carries the buzz: the ranked authors, then the most engaged post of the first ones."""
    note = html.P(
        "Followers are shown where the source gives them (Mastodon, X).",
        style={"color": MUTED, "fontSize": "12px", "margin": "6px 0 0"},
    )
    return [
        authors_table(frame, drill),
        note,
        html.H4("Their most engaged posts", style=_H4),
        components.post_list(top, timezone),
    ]


def rank_options() -> list[dict[str, str]]:
    return [{"label": f" {RANK_NAMES[r]}", "value": r} for r in AUTHOR_RANKS]
