"""The compare page: several films on one chart, aligned on premiere or release, normalised."""

from __future__ import annotations

from typing import Any, cast

import dash
from dash import dcc, html

from dashboards import components, data, figures, ids, metrics, queries, urlstate
from dashboards.figures_compare import compare_figure
from dashboards.filterbar import field, filter_bar, param_id
from dashboards.metrics import Anchor, Norm
from pipeline.config import Config, Film
from pipeline.errors import FilmbuzzError

dash.register_page(__name__, path="/compare", title="Compare · filmbuzz", name="Compare")

ANCHORS = {"premiere": "Premiere", "release": "First release"}
NORMS = {"peak": "% of peak", "total": "% of total", "none": "Raw posts"}
DEFAULT_FILMS = 6


def layout(**query: str) -> html.Div:
    config = data.current_config()
    filters = urlstate.filters(query)
    films = chosen_films(config, query.get("films"))
    anchor = cast(Anchor, query.get("align") if query.get("align") in ANCHORS else "premiere")
    norm = cast(Norm, query.get("norm") if query.get("norm") in NORMS else "peak")
    heading = html.H1("Compare films", style={"margin": "0 0 16px", "fontSize": "28px"})
    try:
        choices = data.load(data.choices, config)
        slugs = tuple(f.slug for f in films)
        volume = data.load(queries.compare, config, filters, slugs)
    except FilmbuzzError as exc:
        return html.Div([heading, components.notice(str(exc))], style=components.PAGE)
    aligned = metrics.aligned(volume, films, anchor, norm)
    controls = _controls(config, films, anchor, norm)
    return html.Div(
        [
            heading,
            filter_bar(choices, filters, controls),
            components.graph_card(ids.COMPARE_GRAPH, compare_figure(aligned, films, anchor, norm)),
            _table(films, volume, anchor),
        ],
        style=components.PAGE,
    )


def chosen_films(config: Config, value: object) -> list[Film]:
    """The films named in `films=a,b` (tracked ones, in config order), else the first few."""
    wanted = set(urlstate.split(value))
    picked = [f for f in config.films if f.slug in wanted]
    return picked or config.films[:DEFAULT_FILMS]


def _controls(config: Config, films: list[Film], anchor: str, norm: str) -> tuple[Any, ...]:
    picker = dcc.Dropdown(
        id=param_id("films"),
        options=[{"label": f.title, "value": f.slug} for f in config.films],
        value=[f.slug for f in films],
        multi=True,
        clearable=False,
        style={"minWidth": "320px"},
    )
    return (
        field("Films", picker),
        field("Align on", _radio("align", ANCHORS, anchor)),
        field("Scale", _radio("norm", NORMS, norm)),
    )


def _radio(key: str, options: dict[str, str], value: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=param_id(key),
        options=[{"label": f" {label}", "value": code} for code, label in options.items()],
        value=value,
        inline=True,
        labelStyle={"marginRight": "12px"},
    )


def _table(films: list[Film], volume: Any, anchor: Anchor) -> html.Div:
    head = html.Tr([html.Th(h) for h in ("Film", ANCHORS[anchor], "Mentions", "Busiest day")])
    rows = []
    for film in films:
        day = metrics.anchor_day(film, anchor)
        mine = volume[volume["film"] == film.slug]
        busiest = mine.loc[mine["posts"].idxmax()] if len(mine) else None
        peak = (
            "—" if busiest is None else f"{busiest['period']:%Y-%m-%d} ({int(busiest['posts']):,})"
        )
        cells = [
            film.title,
            day.isoformat() if day else "unknown",
            f"{int(mine['posts'].sum()):,}",
            peak,
        ]
        rows.append(html.Tr([html.Td(c) for c in cells]))
    table = html.Table(
        [html.Thead(head), html.Tbody(rows)],
        className="health",
        style={"width": "100%", "borderCollapse": "collapse", "fontSize": "13px"},
    )
    note = html.P(
        "Films without a known premiere or release date (in filmbuzz.toml) are left off the chart.",
        style={"color": figures.MUTED, "fontSize": "12px", "margin": "8px 0 0"},
    )
    return html.Div(
        [table, note], id=ids.COMPARE_TABLE, style={**components.CARD, "marginTop": "16px"}
    )
