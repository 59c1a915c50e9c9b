"""The overview page: one card per tracked film and the share of voice across them."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import components, data, figures, ids
from pipeline.errors import FilmbuzzError

dash.register_page(__name__, path="/", title="Overview · filmbuzz", name="Overview")


def layout(**_query: str) -> html.Div:
    config = data.current_config()
    heading = html.Div(
        [
            html.H1("Tracked films", style={"margin": "0 0 2px", "fontSize": "28px"}),
            html.Div(config.project.name, style={"color": figures.MUTED}),
        ],
        style={"marginBottom": "16px"},
    )
    try:
        films, voice = data.load_overview(config)
    except FilmbuzzError as exc:
        return html.Div([heading, components.notice(str(exc))], style=components.PAGE)
    cards = components.grid([film_card(s) for s in films], "repeat(auto-fill, minmax(260px, 1fr))")
    chart = components.graph_card(ids.VOICE_GRAPH, figures.voice_figure(voice, config.films))
    return html.Div([heading, html.Div(cards, id=ids.FILM_CARDS), chart], style=components.PAGE)


def film_card(summary: data.FilmSummary) -> dcc.Link:
    figures_row = html.Div(
        [
            _figure("Mentions", components.count(summary.posts)),
            _figure(
                "Net sentiment",
                components.signed_percent(summary.net),
                components.net_color(summary.net),
            ),
            _figure("Share of voice", components.percent(summary.share)),
        ],
        style={"display": "flex", "justifyContent": "space-between", "marginTop": "12px"},
    )
    return dcc.Link(
        html.Div(
            [
                html.Div(summary.title, style={"fontSize": "18px", "fontWeight": 600}),
                html.Div(str(summary.year), style={"color": figures.MUTED, "fontSize": "13px"}),
                figures_row,
                html.Div("Open film page →", style={"marginTop": "12px", "color": figures.ACCENT}),
            ],
            style=components.CARD,
        ),
        href=f"/film/{summary.slug}",
        className="film-card",
        style={"textDecoration": "none", "color": "inherit"},
    )


def _figure(label: str, value: str, color: str = figures.INK) -> html.Div:
    return html.Div(
        [
            html.Div(label, style={"fontSize": "12px", "color": figures.MUTED}),
            html.Div(value, style={"fontSize": "20px", "fontWeight": 600, "color": color}),
        ]
    )
