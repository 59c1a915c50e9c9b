"""The film page: KPIs, charts and top posts for one film under the global filters (in the URL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import dash
import pandas as pd
from dash import dcc, html

from dashboards import (
    components,
    coverage,
    data,
    figures,
    figures_film,
    ids,
    insight_views,
    metrics,
    queries,
    urlstate,
)
from dashboards.coverage import Gap
from dashboards.drill import Drill, drill_through
from dashboards.filterbar import filter_bar, param_id
from dashboards.urlstate import Filters
from pipeline.availability import Availability, audience_share
from pipeline.config import Config, Film
from pipeline.errors import FilmbuzzError
from pipeline.stores.base import AUTHOR_RANKS, AuthorRank, Filter, Granularity

AUTO = "repeat(auto-fit, minmax(300px, 1fr))"
DAILY_DAYS = 183


def title(slug: str | None = None, **_query: str) -> str:
    film = _film(data.current_config(), slug)
    return f"{film.title} · filmbuzz" if film else "Film · filmbuzz"


dash.register_page(__name__, path_template="/film/<slug>", title=title, name="Film")
drill_through(
    [
        ids.MENTIONS_GRAPH, ids.SENTIMENT_GRAPH, ids.ASPECTS_GRAPH, ids.INTENTS_GRAPH,
        ids.DEMAND_MAP, ids.SOURCE_GRAPH, ids.LANGUAGE_GRAPH, ids.FILM_VOICE_GRAPH,
    ]
)  # fmt: skip


def layout(slug: str | None = None, **query: str) -> html.Div:
    config = data.current_config()
    film = _film(config, slug)
    if film is None:
        return _page([_back(""), components.notice(f"No tracked film is called {slug!r}.")])
    filters = urlstate.filters(query)
    search = urlstate.format_search(query)
    query_now = urlstate.parse_search(search)
    drill = Drill.from_search(search, film.slug)
    try:
        choices = data.load(data.choices, config)
        where = filters.where((film.slug,), config.project.timezone)
        unit = _unit(filters, choices)
        # The panels' queries run beside the charts' queries and figures.
        data.prefetch(queries.carriers, config, where, _rank(query_now))
        chosen = _chosen_period(drill, unit, query_now)
        if chosen:
            data.prefetch(queries.explanation, config, where, film.slug, *chosen)
        view = data.load(data.film_view, config, replace(where, granularity=unit))
    except FilmbuzzError as exc:
        return _page([_header(film, search), components.notice(str(exc))])
    period = chosen
    if period is None and (period := _spike_period(view, drill, unit)):
        data.prefetch(queries.explanation, config, where, film.slug, *period)
    as_of = filters.end or choices.last or date.today()
    first_post = choices.film_first.get(film.slug)
    return _page(
        [
            _header(film, search),
            filter_bar(choices, filters),
            *_body(config, film, view, (as_of, first_post), unit, query_now, (where, period)),
            _all_posts_link(film, search),
        ]
    )


def _film(config: Config, slug: str | None) -> Film | None:
    return next((film for film in config.films if film.slug == slug), None)


def demand_map(film: Film, view: data.FilmView, as_of: date, drill: Drill | None = None) -> Any:
    """The demand map, with availability from the config and the film's `tmdb` signals; with
    `drill`, each country links to its posts asking for the film."""
    known = Availability.of(film, view.signals)
    asking = dict(zip(view.asking["country"], view.asking["posts"], strict=True))
    return figures_film.demand_map(
        view.demand, known, as_of, audience_share(view.audience), drill, asking
    )


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
    config: Config,
    film: Film,
    view: data.FilmView,
    days: tuple[date, date | None],
    unit: str,
    query: dict[str, str],
    explain: tuple[Filter, tuple[date, date] | None],
) -> list[Any]:
    """The charts and panels; `days` is the day the map judges release status on and the
    film's first post; `explain` the page's filter and the period "why it moved" explains."""
    as_of, first_post = days
    where, period = explain
    card = components.graph_card
    drill = Drill.from_search(urlstate.format_search(query), film.slug)
    window = (drill.start, drill.end) if drill.start and drill.end else None
    volume, gaps = _honest(view, drill, unit, first_post, queries.crawl_health(config))
    mentions = figures.mentions_figure(volume, film, window, unit, drill, gaps)
    sentiment = figures.sentiment_figure(
        view.sentiment, "7D" if unit == "day" else "28D", unit, drill
    )
    demand = demand_map(film, view, as_of, drill)
    voice = figures.voice_figure(view.voice, config.films, highlight=film.slug, drill=drill)
    return [
        html.Div(_kpis(view, unit), id=ids.KPIS),
        html.Div(card(ids.MENTIONS_GRAPH, mentions)),
        components.grid(
            [
                card(ids.SENTIMENT_GRAPH, sentiment),
                card(ids.ASPECTS_GRAPH, figures_film.aspects_figure(view.aspects, drill)),
            ],
            "3fr 2fr",
        ),
        components.grid(
            [
                card(ids.INTENTS_GRAPH, figures_film.intents_figure(view.intents, drill=drill)),
                card(ids.DEMAND_MAP, demand),
            ],
            AUTO,
        ),
        components.grid(
            [
                card(ids.SOURCE_GRAPH, figures.source_figure(view.sources, drill)),
                card(ids.LANGUAGE_GRAPH, figures.language_figure(view.languages, drill=drill)),
                card(ids.FILM_VOICE_GRAPH, voice),
            ],
            AUTO,
        ),
        insight_views.panel(
            ids.WHY,
            "Why it moved",
            _why_controls(view, drill, unit, query),
            _why_it_moved(config, film.slug, where, period, drill, unit),
        ),
        *_signals(view, (drill.start, drill.end)),
        components.grid(
            [
                html.Div(
                    components.top_posts(view.top_posts, config.project.timezone), id=ids.TOP_POSTS
                ),
                insight_views.panel(
                    ids.AUTHORS,
                    "Who carries the buzz",
                    _rank_controls(query),
                    _who_carries_the_buzz(config, where, query, drill),
                ),
            ],
            AUTO,
        ),
    ]


def _signals(view: data.FilmView, window: tuple[date | None, date | None]) -> list[Any]:
    facts = figures_film.signal_facts(view.signals)
    views = figures_film.pageviews_figure(view.signals, window)
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


def _why_it_moved(
    config: Config,
    slug: str,
    where: Filter,
    period: tuple[date, date] | None,
    drill: Drill,
    unit: str,
) -> list[Any]:
    """The chosen period (`why` in the URL) or the latest spike, against the film's baseline."""
    if period is None:
        return insight_views.why_panel(None, drill, unit)
    try:
        found = data.load(queries.explanation, config, where, slug, *period)
    except FilmbuzzError as exc:
        return [components.notice(str(exc))]
    return insight_views.why_panel(found, drill, unit)


def _who_carries_the_buzz(
    config: Config, where: Filter, query: dict[str, str], drill: Drill
) -> list[Any]:
    """The film's authors under the page's filters, ranked as the URL says (`authors_by`)."""
    try:
        authors, posts = data.load(queries.carriers, config, where, _rank(query))
    except FilmbuzzError as exc:
        return [components.notice(str(exc))]
    return insight_views.authors_panel(authors, posts, drill, config.project.timezone)


def _honest(
    view: data.FilmView,
    drill: Drill,
    unit: str,
    first_post: date | None,
    sources: list[dict[str, Any]],
) -> tuple[pd.DataFrame, list[Gap]]:
    """The page's posts per period with 0 where there were none, from the film's first post on,
    and the spans of the range without data."""
    series = _series(view, drill, unit)
    if series.empty:
        return view.volume, []
    start, end = series.index.min().date(), series.index.max().date()
    if first_post is not None:
        series = series[
            series.index
            >= pd.Timestamp(
                first_post - timedelta(days=first_post.weekday() if unit == "week" else 0)
            )
        ]
    volume = pd.DataFrame({"period": series.index.date, "posts": series.to_numpy()})
    return volume, coverage.gaps(drill.start or start, drill.end or end, first_post, sources)


def _chosen_period(drill: Drill, unit: str, query: dict[str, str]) -> tuple[date, date] | None:
    """The period to explain named in the URL (`why`), if any."""
    start = _chosen(query.get("why"), unit)
    return _period_from(drill, start, unit) if start else None


def _spike_period(view: data.FilmView, drill: Drill, unit: str) -> tuple[date, date] | None:
    """The latest spike's period, if any."""
    start = _latest_spike(_series(view, drill, unit))
    return _period_from(drill, start, unit) if start else None


def _period_from(drill: Drill, start: date, unit: str) -> tuple[date, date]:
    return start, date.fromisoformat(drill.period(start, unit)["to"])


def _rank(query: dict[str, str]) -> AuthorRank:
    value = query.get("authors_by")
    return next((rank for rank in AUTHOR_RANKS if rank == value), "posts")


def _series(view: data.FilmView, drill: Drill, unit: str) -> pd.Series:
    """The page's posts per day or week, 0 where none, over its range."""
    periods = pd.to_datetime(view.volume["period"])
    if periods.empty:
        return pd.Series(dtype="int64")
    start = drill.start or periods.min().date()
    end = drill.end or periods.max().date()
    return metrics.filled(view.volume, start, end, unit)


def _chosen(value: str | None, unit: str) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day - timedelta(days=day.weekday()) if unit == "week" else day


def _latest_spike(series: pd.Series) -> date | None:
    found = metrics.spikes(series)
    return found[-1].day if found else None


def _why_controls(view: data.FilmView, drill: Drill, unit: str, query: dict[str, str]) -> list[Any]:
    """A period to explain: every day (or week) with posts, the busiest first; none = the
    latest spike."""
    series = _series(view, drill, unit)
    busy = series[series > 0].sort_values(ascending=False, kind="stable")
    label = "Week of %a %d %b %Y" if unit == "week" else "%a %d %b %Y"
    options = [
        {
            "label": f"{pd.Timestamp(day):{label}} · {int(posts):,} posts",
            "value": f"{pd.Timestamp(day):%Y-%m-%d}",
        }
        for day, posts in busy.items()
    ]
    chosen = _chosen(query.get("why"), unit)
    picker = dcc.Dropdown(
        id=param_id("why"), options=options, value=chosen.isoformat() if chosen else None,
        placeholder="The latest spike", style={"minWidth": "300px"},
    )  # fmt: skip
    return [f"Explain a {unit}:", picker]


def _rank_controls(query: dict[str, str]) -> list[Any]:
    picker = dcc.RadioItems(
        id=param_id("authors_by"), options=insight_views.rank_options(), value=_rank(query),
        inline=True, labelStyle={"marginRight": "12px"},
    )  # fmt: skip
    return ["Rank by", picker]
