"""The posts page: search the posts behind every number, with the global filters, page by page."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboards import components, data, figures, ids, queries, urlstate
from dashboards.filterbar import field, filter_bar, param_id
from pipeline.config import Config
from pipeline.errors import FilmbuzzError

dash.register_page(__name__, path="/posts", title="Posts · filmbuzz", name="Posts")


def layout(**query: str) -> html.Div:
    config = data.current_config()
    filters = urlstate.filters(query)
    text = str(query.get("q") or "")
    film = str(query.get("film") or "")
    slugs = (
        (film,) if film in {f.slug for f in config.films} else tuple(f.slug for f in config.films)
    )
    page = urlstate.integer(query.get("page"), 1)
    heading = html.H1("Posts", style={"margin": "0 0 16px", "fontSize": "28px"})
    try:
        choices = data.load(data.choices, config)
        found = data.load(queries.posts_page, config, filters, slugs, text, page)
    except FilmbuzzError as exc:
        return html.Div([heading, components.notice(str(exc))], style=components.PAGE)
    search = urlstate.format_search(query)
    return html.Div(
        [
            heading,
            filter_bar(choices, filters, _controls(config, text, film)),
            _results(found, config, search),
        ],
        style=components.PAGE,
    )


def _controls(config: Config, text: str, film: str) -> tuple[Any, ...]:
    box = dcc.Input(
        id=param_id("q"),
        type="search",
        value=text,
        debounce=True,
        placeholder="Words, all required (press Enter)",
        style={
            "width": "280px",
            "padding": "6px 8px",
            "border": "1px solid #ced4da",
            "borderRadius": "6px",
        },
    )
    films = dcc.Dropdown(
        id=param_id("film"),
        options=[{"label": f.title, "value": f.slug} for f in config.films],
        value=film or None,
        placeholder="All films",
        style={"minWidth": "200px"},
    )
    return (field("Search", box), field("Film", films))


def _results(found: queries.PostsPage, config: Config, search: str) -> html.Div:
    first = (found.page - 1) * queries.POSTS_PER_PAGE + 1
    last = first + len(found.rows) - 1
    summary = (
        f"{first:,}–{last:,} of {found.total:,} posts, most engaged first"
        if len(found.rows)
        else figures.NO_POSTS
    )
    titles = {f.slug: f.title for f in config.films}
    items = [
        components.post_item(row, config.project.timezone, titles)
        for row in found.rows.to_dict("records")
    ]
    listing = html.Ol(
        items, id=ids.POSTS_LIST, style={"listStyle": "none", "padding": 0, "margin": 0}
    )
    return html.Div(
        [
            html.Div(
                summary, id=ids.POSTS_COUNT, style={"color": figures.MUTED, "marginBottom": "6px"}
            ),
            listing,
            _pager(found, search),
        ],
        style=components.CARD,
    )


def _pager(found: queries.PostsPage, search: str) -> html.Div:
    query = urlstate.parse_search(search)

    def link(label: str, page: int) -> dcc.Link:
        target = {**query, "page": str(page) if page > 1 else None}
        return dcc.Link(label, href="/posts" + urlstate.format_search(target))

    parts: list[Any] = []
    if found.page > 1:
        parts.append(link("← Previous", found.page - 1))
    parts.append(html.Span(f"Page {found.page}", style={"color": figures.MUTED}))
    if found.has_next:
        parts.append(link("Next →", found.page + 1))
    style = {"display": "flex", "gap": "18px", "justifyContent": "center", "paddingTop": "12px"}
    return html.Div(parts, id=ids.PAGER, className="pager", style=style)
