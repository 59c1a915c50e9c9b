"""The overview page: every tracked film's buzz this period, share of voice and crawl health."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import dcc, html

from dashboards import components, data, figures, health, ids, queries, urlstate
from dashboards.drill import Drill, drill_through
from dashboards.filterbar import filter_bar
from dashboards.queries import FilmPulse
from pipeline.errors import FilmbuzzError

dash.register_page(__name__, path="/", title="Overview · filmbuzz", name="Overview")
drill_through([ids.VOICE_GRAPH])

CARDS = "repeat(auto-fit, minmax(280px, 1fr))"


def layout(**query: str) -> html.Div:
    config = data.current_config()
    filters = urlstate.filters(query)
    search = urlstate.global_search(urlstate.format_search(query))
    heading = html.H1("Tracked films", style={"margin": "0 0 2px", "fontSize": "28px"})
    try:
        choices = data.load(data.choices, config)
        summary = data.load(queries.overview, config, filters)
    except FilmbuzzError as exc:
        return html.Div([heading, components.notice(str(exc))], style=components.PAGE)
    period = (
        f"{config.project.name} · {summary.start:%d %b %Y} to {summary.end:%d %b %Y}, "
        "momentum against the period before"
    )
    cards = [film_card(pulse, search) for pulse in summary.films]
    # The charts count the overview's period: the date box shows it, and links carry it.
    shown = replace(filters, start=summary.start, end=summary.end)
    dates = {"from": summary.start.isoformat(), "to": summary.end.isoformat()}
    drill = Drill({**Drill.from_search(search).query, **dates}, summary.start, summary.end)
    voice = figures.voice_figure(summary.voice, config.films, drill=drill)
    return html.Div(
        [
            heading,
            html.Div(period, id=ids.PERIOD, style={"color": figures.MUTED, "marginBottom": "16px"}),
            filter_bar(choices, shown),
            html.Div(components.grid(cards, CARDS), id=ids.FILM_CARDS),
            components.grid(
                [
                    components.graph_card(ids.VOICE_GRAPH, voice),
                    health.health_table(queries.crawl_health(config)),
                ],
                "repeat(auto-fit, minmax(420px, 1fr))",
            ),
        ],
        style=components.PAGE,
    )


def film_card(pulse: FilmPulse, search: str) -> html.Div:
    numbers = html.Div(
        [
            _number("Mentions", components.count(pulse.posts), _momentum(pulse)),
            _number(
                "Net sentiment",
                components.signed_percent(pulse.net),
                color=components.net_color(pulse.net),
            ),
            _number("Share of voice", components.percent(pulse.share)),
        ],
        style={"display": "flex", "justifyContent": "space-between", "marginTop": "12px"},
    )
    graph = components.spark_bars(pulse.daily)
    link = dcc.Link(
        [
            html.Div(pulse.title, style={"fontSize": "18px", "fontWeight": 600}),
            html.Div(str(pulse.year), style={"color": figures.MUTED, "fontSize": "13px"}),
            numbers,
            graph,
        ],
        href=f"/film/{pulse.slug}{search}",
        className="film-card",
        style={"textDecoration": "none", "color": "inherit", "display": "block"},
    )
    return html.Div([link, _spike(pulse, search)], className="film-tile", style=components.CARD)


def _momentum(pulse: FilmPulse) -> html.Span:
    change = pulse.momentum
    if change is None:
        return html.Span("new" if pulse.posts else "", style={"color": figures.MUTED})
    arrow, color = (
        ("▲", "#2f9e44") if change > 0 else ("▼", "#e03131") if change < 0 else ("■", figures.MUTED)
    )
    return html.Span(
        f"{arrow} {abs(change):.0%}",
        className="momentum",
        title=f"{pulse.before:,} mentions in the period before",
        style={"color": color, "fontSize": "13px", "fontWeight": 600},
    )


def _spike(pulse: FilmPulse, search: str) -> Any:
    """The latest spike, linking to the film page's explanation of it."""
    style = {"fontSize": "13px", "marginTop": "6px", "minHeight": "18px", "display": "block"}
    if pulse.spike is None:
        return html.Div("No spike this period", style={**style, "color": figures.MUTED})
    spike = pulse.spike
    text = (
        f"⚡ Spike {spike.day:%a %d %b}: {spike.posts:,} posts (usually ~{spike.baseline:.0f}/day)"
        " · why? →"
    )
    query = {**urlstate.parse_search(search), "why": spike.day.isoformat()}
    return dcc.Link(
        text,
        href=f"/film/{pulse.slug}{urlstate.format_search(query)}#{ids.WHY}",
        className="spike post-link",
        style={**style, "color": "#c2255c", "textDecoration": "none"},
    )


def _number(label: str, value: str, extra: Any = None, color: str = figures.INK) -> html.Div:
    return html.Div(
        [
            html.Div(label, style={"fontSize": "12px", "color": figures.MUTED}),
            html.Div(
                [
                    html.Span(value, style={"fontSize": "20px", "fontWeight": 600, "color": color}),
                    " ",
                    extra,
                ],
            ),
        ]
    )
