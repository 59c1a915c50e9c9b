"""The film page: KPIs, charts and top posts for one film under the global filters (in the URL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import dash
from dash import dcc, html

from dashboards import components, data, figures, figures_film, ids, urlstate
from dashboards.filterbar import filter_bar
from dashboards.urlstate import Filters
from pipeline.availability import Availability, audience_share
from pipeline.config import Config, Film
from pipeline.errors import FilmbuzzError
from pipeline.stores.base import Granularity

AUTO = "repeat(auto-fit, minmax(300px, 1fr))"
DAILY_DAYS = 183


def title(slug: str | None = None, **_query: str) -> str:
    film = _film(data.current_config(), slug)
    return f"{film.title} · filmbuzz" if film else "Film · filmbuzz"


dash.register_page(__name__, path_template="/film/<slug>", title=title, name="Film")


def layout(slug: str | None = None, **query: str) -> html.Div:
    config = data.current_config()
    film = _film(config, slug)
    if film is None:
        return _page([_back(""), components.notice(f"No tracked film is called {slug!r}.")])
    filters = urlstate.filters(query)
    search = urlstate.format_search(query)
    try:
        choices = data.load(data.choices, config)
        where = filters.where((film.slug,), config.project.timezone)
        unit = _unit(filters, choices)
        view = data.load(data.film_view, config, replace(where, granularity=unit))
    except FilmbuzzError as exc:
        return _page([_header(film, search), components.notice(str(exc))])
    as_of = filters.end or choices.last or date.today()
    return _page(
        [
            _header(film, search),
            filter_bar(choices, filters),
            *_body(config, film, view, filters, as_of, unit),
            _all_posts_link(film, search),
        ]
    )


def _film(config: Config, slug: str | None) -> Film | None:
    return next((film for film in config.films if film.slug == slug), None)


def demand_map(film: Film, view: data.FilmView, as_of: date) -> Any:
    """The demand map, with availability from the config and the film's `tmdb` signals."""
    known = Availability.of(film, view.signals)
    return figures_film.demand_map(view.demand, known, as_of, audience_share(view.audience))


def _page(children: list[Any]) -> html.Div:
    return html.Div(children, style=components.PAGE)


def _back(search: str) -> dcc.Link:
    style = {"color": figures.MUTED, "textDecoration": "none"}
    return dcc.Link("← All films", href="/" + urlstate.global_search(search), style=style)


def _header(film: Film, search: str) -> html.Div:
    facts = " · ".join([str(film.year), *film.genres])
    people = ", ".join(film.people[:4])
    return html.Div(
        [
            _back(search),
            html.H1(film.title, style={"margin": "8px 0 2px", "fontSize": "28px"}),
            html.Div(facts, style={"color": figures.MUTED}),
            html.Div(people, style={"color": figures.MUTED, "fontSize": "13px"}),
        ],
        style={"marginBottom": "16px"},
    )


def _unit(filters: Filters, choices: data.Choices) -> Granularity:
    """Days for up to half a year, weeks beyond: two years of daily bars help nobody."""
    start, end = filters.start or choices.first, filters.end or choices.last
    return "week" if start and end and (end - start).days > DAILY_DAYS else "day"


def _body(
    config: Config, film: Film, view: data.FilmView, filters: Filters, as_of: date, unit: str
) -> list[Any]:
    card = components.graph_card
    window = (filters.start, filters.end) if filters.start and filters.end else None
    mentions = figures.mentions_figure(view.volume, film, window, unit)
    sentiment = figures.sentiment_figure(view.sentiment, "7D" if unit == "day" else "28D")
    return [
        html.Div(_kpis(view, unit), id=ids.KPIS),
        html.Div(card(ids.MENTIONS_GRAPH, mentions)),
        components.grid(
            [
                card(ids.SENTIMENT_GRAPH, sentiment),
                card(ids.ASPECTS_GRAPH, figures_film.aspects_figure(view.aspects)),
            ],
            "3fr 2fr",
        ),
        components.grid(
            [
                card(ids.INTENTS_GRAPH, figures_film.intents_figure(view.intents)),
                card(ids.DEMAND_MAP, demand_map(film, view, as_of)),
            ],
            AUTO,
        ),
        components.grid(
            [
                card(ids.SOURCE_GRAPH, figures.source_figure(view.sources)),
                card(ids.LANGUAGE_GRAPH, figures.language_figure(view.languages)),
                card(
                    ids.FILM_VOICE_GRAPH,
                    figures.voice_figure(view.voice, config.films, highlight=film.slug),
                ),
            ],
            AUTO,
        ),
        *_signals(view, filters),
        html.Div(components.top_posts(view.top_posts, config.project.timezone), id=ids.TOP_POSTS),
    ]


def _signals(view: data.FilmView, filters: Filters) -> list[Any]:
    facts = figures_film.signal_facts(view.signals)
    views = figures_film.pageviews_figure(view.signals, (filters.start, filters.end))
    chart = components.graph_card(ids.SIGNALS_GRAPH, views)
    if not facts:
        return [html.Div(chart, style=components.GRID)]
    tiles = [components.kpi_card(label, value) for label, value in facts]
    return [
        components.grid([chart, html.Div(tiles, className="signal-facts", style=_FACTS)], "2fr 1fr")
    ]


_FACTS = {
    "display": "grid",
    "gap": "12px",
    "gridTemplateColumns": "1fr 1fr",
    "alignContent": "start",
}


def _kpis(view: data.FilmView, unit: str) -> html.Div:
    periods = len(view.volume)
    return components.grid(
        [
            components.kpi_card(
                "Mentions", components.count(view.mentions), f"in {periods:,} {unit}s with posts"
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


def _all_posts_link(film: Film, search: str) -> html.Div:
    query = {**urlstate.parse_search(urlstate.global_search(search)), "film": film.slug}
    link = dcc.Link(
        "All posts about this film →",
        href="/posts" + urlstate.format_search(query),
        className="post-link",
        style={"color": figures.ACCENT, "textDecoration": "none", "fontWeight": 500},
    )
    return html.Div(link, style={"marginTop": "12px"})
