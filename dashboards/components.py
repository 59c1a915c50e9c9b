"""Reusable layout pieces: cards, KPIs, graph panels, the top-posts list.

Post text, titles and authors are passed to Dash as plain strings, which React renders as text:
nothing a post contains is ever interpreted as HTML or markdown.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any, TypeGuard

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboards.figures import INK, MUTED, NO_POSTS, SENTIMENT_COLORS, SENTIMENT_NAMES, source_color

BORDER = "#e5e7eb"
PAGE = {
    "maxWidth": "1240px",
    "margin": "0 auto",
    "padding": "24px 24px 48px",
    "color": INK,
}
CARD = {
    "background": "white",
    "border": f"1px solid {BORDER}",
    "borderRadius": "10px",
    "padding": "16px 18px",
    "boxShadow": "0 1px 2px rgba(16, 24, 40, 0.04)",
}
GRID = {"display": "grid", "gap": "16px", "marginBottom": "16px"}
_LABEL = {"fontSize": "12px", "textTransform": "uppercase", "letterSpacing": "0.06em"}
_POST_TEXT = {
    "margin": "6px 0",
    "whiteSpace": "pre-line",
    "lineHeight": 1.45,
    "overflowWrap": "anywhere",
}
_SAFE_URL = re.compile(r"https?://\S+", re.IGNORECASE)
TEXT_LIMIT = 480


def safe_href(url: object) -> str | None:
    """The url if it is a plain http(s) link, else None: `javascript:` urls never become links."""
    return url if isinstance(url, str) and _SAFE_URL.fullmatch(url) else None


def count(value: int) -> str:
    return f"{value:,}"


def signed_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0%}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def grid(children: list[Any], columns: str) -> html.Div:
    return html.Div(children, style={**GRID, "gridTemplateColumns": columns})


def kpi_card(label: str, value: str, note: str | None = None, color: str = INK) -> html.Div:
    return html.Div(
        [
            html.Div(label, style={**_LABEL, "color": MUTED}),
            html.Div(
                value,
                className="kpi-value",
                style={"fontSize": "30px", "fontWeight": 650, "color": color, "marginTop": "6px"},
            ),
            html.Div(note or "", style={"fontSize": "13px", "color": MUTED, "marginTop": "2px"}),
        ],
        className="kpi-card",
        style=CARD,
    )


def net_color(net: float | None) -> str:
    if net is None or abs(net) < 0.05:
        return INK
    return SENTIMENT_COLORS["pos"] if net > 0 else SENTIMENT_COLORS["neg"]


def graph_card(graph_id: str, figure: go.Figure) -> html.Div:
    graph = dcc.Graph(
        id=graph_id,
        figure=figure,
        config={
            "displaylogo": False,
            "responsive": True,
            "modeBarButtonsToRemove": ["lasso2d"],
            # Served with the app (assets/topojson): maps draw without reaching plotly's CDN.
            "topojsonURL": dash.get_asset_url("topojson/"),
        },
    )
    return html.Div(graph, style={**CARD, "padding": "8px"})


def notice(message: str) -> html.Div:
    return html.Div(
        message,
        className="notice",
        style={**CARD, "borderColor": "#fcc419", "background": "#fff9db"},
    )


def top_posts(frame: pd.DataFrame, timezone: str = "UTC") -> html.Div:
    """The most engaged posts, each with its text (as text) and a link to the original."""
    heading = html.H3("Top posts", style={"margin": "0 0 8px", "fontSize": "16px"})
    return html.Div([heading, post_list(frame, timezone)], style=CARD)


def post_list(frame: pd.DataFrame, timezone: str = "UTC") -> html.Ol | html.P:
    """Posts as a list (or a note that there are none)."""
    if frame.empty:
        return html.P(NO_POSTS, style={"color": MUTED})
    items = [post_item(row, timezone) for row in frame.to_dict("records")]
    return html.Ol(
        items, className="top-posts", style={"listStyle": "none", "padding": 0, "margin": 0}
    )


def post_item(
    row: dict[str, Any], timezone: str = "UTC", titles: dict[str, str] | None = None
) -> html.Li:
    """One post; with `titles` (slug → film title), the films it is about are named too."""
    title = plain(row.get("title"))
    body = [
        _post_meta(row, timezone, titles or {}),
        html.Div(title, style={"fontWeight": 600, "marginTop": "4px"}) if title else None,
        html.P(shorten(plain(row.get("text"))), className="post-text", style=_POST_TEXT),
        _post_footer(row),
    ]
    return html.Li(
        [part for part in body if part is not None],
        className="post",
        style={"padding": "12px 0", "borderTop": f"1px solid {BORDER}"},
    )


def _post_meta(row: dict[str, Any], timezone: str, titles: dict[str, str]) -> html.Div:
    source = plain(row.get("source"))
    label = plain(row.get("sentiment_label"))
    films = row.get("films")
    named = [titles[f] for f in films if f in titles] if isinstance(films, list) and titles else []
    parts: list[Any] = [
        _badge(source, source_color(source)),
        *(html.Span(name, className="post-film", style={"fontWeight": 600}) for name in named),
        html.Span(format_when(row.get("published_at"), timezone), style={"color": MUTED}),
    ]
    if label in SENTIMENT_NAMES:
        parts.append(_badge(SENTIMENT_NAMES[label], SENTIMENT_COLORS[label]))
    rating = row.get("rating")
    if _is_number(rating):
        parts.append(html.Span(f"★ {rating:.1f}", style={"color": "#f08c00"}))
    style = {"display": "flex", "gap": "10px", "alignItems": "center", "fontSize": "13px"}
    return html.Div(parts, style=style)


def _post_footer(row: dict[str, Any]) -> html.Div:
    author = plain(row.get("author"))
    engagement = row.get("engagement")
    bits = [
        f"by {author}" if author else "",
        f"{int(engagement):,} engagements" if _is_number(engagement) else "",
    ]
    parts: list[Any] = [html.Span(" · ".join(b for b in bits if b), style={"color": MUTED})]
    href = safe_href(row.get("url"))
    if href:
        parts.append(
            html.A(
                "Open original ↗",
                href=href,
                target="_blank",
                rel="noopener noreferrer",
                className="post-link",
                style={"color": "#3b5bdb", "textDecoration": "none", "fontWeight": 500},
            )
        )
    style = {
        "display": "flex",
        "justifyContent": "space-between",
        "fontSize": "13px",
        "gap": "12px",
    }
    return html.Div(parts, style=style)


def _badge(text: str, color: str) -> html.Span:
    return html.Span(
        text,
        style={
            "color": color,
            "border": f"1px solid {color}",
            "borderRadius": "999px",
            "padding": "0 8px",
            "fontSize": "12px",
            "fontWeight": 500,
        },
    )


def plain(value: object) -> str:
    """A cell as a string; missing values (None, NaN) as ''."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not math.isnan(value)


def shorten(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "…"


def format_when(value: object, timezone: str) -> str:
    """A timestamp as local 'YYYY-MM-DD HH:MM' in `timezone`; naive values are taken as UTC."""
    if not isinstance(value, datetime) or pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(timezone).strftime("%Y-%m-%d %H:%M")


def spark_bars(daily: pd.Series, height: int = 48) -> html.Div:
    """Posts per day as a row of CSS bars: dozens of cards cost no chart rendering at all."""
    peak = max(int(daily.max()), 1) if len(daily) else 1
    bars = [
        html.Div(
            title=f"{pd.Timestamp(day):%a %d %b}: {int(posts):,}",
            style={
                "flex": "1",
                "height": f"{max(int(posts) / peak * 100, 2 if posts else 0):.0f}%",
                "background": "#3b5bdb",
                "borderRadius": "1px",
            },
        )
        for day, posts in daily.items()
    ]
    style = {"display": "flex", "alignItems": "flex-end", "gap": "2px", "height": f"{height}px"}
    return html.Div(bars, className="sparkline", style={**style, "marginTop": "10px"})
