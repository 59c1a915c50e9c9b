"""The film page: KPIs, charts and top posts for one film, filtered by dates and sources."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import components, data, figures, ids
from pipeline.config import Config, Film
from pipeline.errors import FilmbuzzError


def title(slug: str | None = None) -> str:
    film = _film(data.current_config(), slug)
    return f"{film.title} · filmbuzz" if film else "Film · filmbuzz"


dash.register_page(__name__, path_template="/film/<slug>", title=title, name="Film")


def layout(slug: str | None = None, **_query: str) -> html.Div:
    config = data.current_config()
    film = _film(config, slug)
    if film is None:
        return _page([_back(), components.notice(f"No tracked film is called {slug!r}.")])
    try:
        choices, view = data.load_film_page(config, film.slug)
    except FilmbuzzError as exc:
        return _page([_header(film), components.notice(str(exc))])
    return _page(
        [
            _header(film),
            dcc.Store(id=ids.FILM_SLUG, data=film.slug),
            _controls(choices),
            *_body(film, view, config.project.timezone, config.films),
        ]
    )


@callback(
    Output(ids.KPIS, "children"),
    Output(ids.MENTIONS_GRAPH, "figure"),
    Output(ids.SENTIMENT_GRAPH, "figure"),
    Output(ids.SOURCE_GRAPH, "figure"),
    Output(ids.LANGUAGE_GRAPH, "figure"),
    Output(ids.FILM_VOICE_GRAPH, "figure"),
    Output(ids.TOP_POSTS, "children"),
    Input(ids.DATE_RANGE, "start_date"),
    Input(ids.DATE_RANGE, "end_date"),
    Input(ids.SOURCES, "value"),
    State(ids.FILM_SLUG, "data"),
    prevent_initial_call=True,
)
def update(
    start: str | None, end: str | None, sources: list[str] | None, slug: str
) -> tuple[Any, ...]:
    config = data.current_config()
    film = _film(config, slug)
    if film is None:
        raise PreventUpdate
    where = data.film_filter(config, film.slug, _day(start), _day(end), sources or ())
    try:
        view = data.load_film_view(config, where) if sources else data.empty_film_view(where)
    except FilmbuzzError as exc:
        return (components.notice(str(exc)), *([dash.no_update] * 6))
    window = (where.start, where.end) if where.start and where.end else None
    return _sections(film, view, config.project.timezone, config.films, window)


def _film(config: Config, slug: str | None) -> Film | None:
    return next((film for film in config.films if film.slug == slug), None)


def _page(children: list[Any]) -> html.Div:
    return html.Div(children, style=components.PAGE)


def _back() -> dcc.Link:
    return dcc.Link(
        "← All films", href="/", style={"color": figures.MUTED, "textDecoration": "none"}
    )


def _header(film: Film) -> html.Div:
    facts = " · ".join([str(film.year), *film.genres])
    people = ", ".join(film.people[:4])
    return html.Div(
        [
            _back(),
            html.H1(film.title, style={"margin": "8px 0 2px", "fontSize": "28px"}),
            html.Div(facts, style={"color": figures.MUTED}),
            html.Div(people, style={"color": figures.MUTED, "fontSize": "13px"}),
        ],
        style={"marginBottom": "16px"},
    )


def _controls(choices: data.FilmChoices) -> html.Div:
    picker = dcc.DatePickerRange(
        id=ids.DATE_RANGE,
        min_date_allowed=_iso(choices.first),
        max_date_allowed=_iso(choices.last),
        start_date=_iso(choices.first),
        end_date=_iso(choices.last),
        display_format="YYYY-MM-DD",
        first_day_of_week=1,
    )
    checklist = dcc.Checklist(
        id=ids.SOURCES,
        options=[{"label": f" {name}", "value": name} for name in choices.sources],
        value=list(choices.sources),
        inline=True,
        inputStyle={"marginRight": "4px"},
        labelStyle={"marginRight": "16px"},
    )
    return html.Div(
        [_field("Dates", picker), _field("Sources", checklist)],
        className="film-controls",
        style={
            **components.CARD,
            "display": "flex",
            "gap": "32px",
            "flexWrap": "wrap",
            "marginBottom": "16px",
        },
    )


def _field(label: str, control: Any) -> html.Div:
    caption = html.Div(
        label, style={"fontSize": "12px", "color": figures.MUTED, "marginBottom": "6px"}
    )
    return html.Div([caption, control])


def _body(film: Film, view: data.FilmView, timezone: str, films: list[Film]) -> list[Any]:
    kpis, mentions, sentiment, sources, languages, voice, posts = _sections(
        film, view, timezone, films
    )
    card = components.graph_card
    return [
        html.Div(kpis, id=ids.KPIS),
        html.Div(card(ids.MENTIONS_GRAPH, mentions), style=components.GRID),
        html.Div(card(ids.SENTIMENT_GRAPH, sentiment), style=components.GRID),
        components.grid(
            [
                card(ids.SOURCE_GRAPH, sources),
                card(ids.LANGUAGE_GRAPH, languages),
                card(ids.FILM_VOICE_GRAPH, voice),
            ],
            "repeat(auto-fit, minmax(300px, 1fr))",
        ),
        html.Div(posts, id=ids.TOP_POSTS),
    ]


def _sections(
    film: Film,
    view: data.FilmView,
    timezone: str,
    films: list[Film],
    window: tuple[date, date] | None = None,
) -> tuple[Any, ...]:
    return (
        _kpis(view),
        figures.mentions_figure(view.volume, film, window),
        figures.sentiment_figure(view.sentiment),
        figures.source_figure(view.sources),
        figures.language_figure(view.languages),
        figures.voice_figure(view.voice, films, highlight=film.slug),
        components.top_posts(view.top_posts, timezone),
    )


def _kpis(view: data.FilmView) -> html.Div:
    days = len(view.volume)
    return components.grid(
        [
            components.kpi_card(
                "Mentions", components.count(view.mentions), f"on {days:,} days with posts"
            ),
            components.kpi_card(
                "Net sentiment",
                components.signed_percent(view.net),
                "positive minus negative share",
                color=components.net_color(view.net),
            ),
            components.kpi_card(
                "Share of voice", components.percent(view.share), "of posts about tracked films"
            ),
        ],
        "repeat(auto-fit, minmax(220px, 1fr))",
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
