"""The posts page: the posts behind every number, with the global filters and its own, page by
page, and the current view as CSV."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import components, data, figures, ids, queries, urlstate
from dashboards.figures_film import ASPECTS, INTENT_NAMES, intent_name
from dashboards.filterbar import PAGES_LOCATION, field, filter_bar, param_id
from dashboards.urlstate import PostFilters
from pipeline.config import Config
from pipeline.errors import FilmbuzzError
from pipeline.exports.safe import safe_frame

dash.register_page(__name__, path="/posts", title="Posts · filmbuzz", name="Posts")

SENTIMENTS = [("pos", "Positive"), ("neu", "Neutral"), ("neg", "Negative")]
_INPUT = {"padding": "6px 8px", "border": "1px solid #ced4da", "borderRadius": "6px"}


def layout(**query: str) -> html.Div:
    config = data.current_config()
    filters = urlstate.filters(query)
    post = urlstate.post_filters(query)
    page = urlstate.integer(query.get("page"), 1)
    heading = html.H1("Posts", style={"margin": "0 0 16px", "fontSize": "28px"})
    try:
        choices = data.load(data.choices, config)
        found = data.load(queries.posts_page, config, filters, post, page)
    except FilmbuzzError as exc:
        return html.Div([heading, components.notice(str(exc))], style=components.PAGE)
    search = urlstate.format_search(query)
    return html.Div(
        [
            heading,
            filter_bar(choices, filters, _controls(config, post)),
            _results(found, config, search),
            dcc.Download(id=ids.POSTS_DOWNLOAD),
        ],
        style=components.PAGE,
    )


def _controls(config: Config, post: PostFilters) -> tuple[Any, ...]:
    box = dcc.Input(
        id=param_id("q"),
        type="search",
        value=post.text or "",
        debounce=True,
        placeholder="Words, all required (press Enter)",
        style={**_INPUT, "width": "280px"},
    )
    films = _choose("film", [(f.slug, f.title) for f in config.films], post.film, "All films")
    engagement = dcc.Input(
        id=param_id("min_engagement"),
        type="number",
        min=0,
        value=post.min_engagement,
        debounce=True,
        placeholder="0",
        style={**_INPUT, "width": "90px"},
    )
    author = dcc.Input(
        id=param_id("author"),
        type="text",
        value=",".join(post.authors),
        debounce=True,
        placeholder="Handle (press Enter)",
        style={**_INPUT, "width": "180px"},
    )
    intents = [(code, intent_name(code)) for code in INTENT_NAMES]
    aspects = [(a, a.capitalize()) for a in ASPECTS]
    return (
        field("Search", box),
        field("Film", films),
        field("Sentiment", _choose("sentiment", SENTIMENTS, post.sentiments)),
        field("Intent", _choose("intent", intents, post.intents)),
        field("Aspect", _choose("aspect", aspects, post.aspects)),
        field("Its sentiment", _choose("aspect_sentiment", SENTIMENTS, post.aspect_sentiments)),
        field("Author", author),
        field("Min. engagement", engagement),
    )


def _choose(
    key: str, options: list[tuple[str, str]], value: Any, placeholder: str = "All"
) -> dcc.Dropdown:
    multi = isinstance(value, tuple)
    return dcc.Dropdown(
        id=param_id(key),
        options=[{"label": label, "value": code} for code, label in options],
        value=list(value) if multi else value,
        multi=multi,
        placeholder=placeholder,
        style={"minWidth": "170px"},
    )


def _results(found: queries.PostsPage, config: Config, search: str) -> html.Div:
    first = (found.page - 1) * queries.POSTS_PER_PAGE + 1
    last = first + len(found.rows) - 1
    total = html.Strong(f"{found.total:,}", id=ids.POSTS_TOTAL)
    summary: list[Any] = (
        [
            f"{first:,}–{last:,} of ",
            total,
            f" posts · page {found.page:,} of {found.pages:,}",
            " · most engaged first",
        ]
        if len(found.rows)
        else [f"{figures.NO_POSTS} (", total, " posts match)"]
    )
    titles = {f.slug: f.title for f in config.films}
    items = [
        components.post_item(row, config.project.timezone, titles)
        for row in found.rows.to_dict("records")
    ]
    listing = html.Ol(
        items, id=ids.POSTS_LIST, style={"listStyle": "none", "padding": 0, "margin": 0}
    )
    export = html.Button(
        "Download CSV",
        id=ids.POSTS_EXPORT,
        title=f"The posts of this view, most engaged first (at most {queries.EXPORT_LIMIT:,})",
        style={**_INPUT, "background": "white", "cursor": "pointer"},
    )
    count = html.Div(summary, id=ids.POSTS_COUNT, style={"color": figures.MUTED})
    top = html.Div(
        [count, export],
        style={"display": "flex", "justifyContent": "space-between", "alignItems": "center"},
    )
    return html.Div([top, listing, _pager(found, search)], style=components.CARD)


def _pager(found: queries.PostsPage, search: str) -> html.Div:
    query = urlstate.parse_search(search)

    def link(label: str, page: int) -> dcc.Link:
        target = {**query, "page": str(page) if page > 1 else None}
        return dcc.Link(label, href="/posts" + urlstate.format_search(target))

    parts: list[Any] = []
    if found.page > 1:
        parts.append(link("← Previous", found.page - 1))
    parts.append(
        html.Span(f"Page {found.page:,} of {found.pages:,}", style={"color": figures.MUTED})
    )
    if found.has_next:
        parts.append(link("Next →", found.page + 1))
    style = {"display": "flex", "gap": "18px", "justifyContent": "center", "paddingTop": "12px"}
    return html.Div(parts, id=ids.PAGER, className="pager", style=style)


@callback(
    Output(ids.POSTS_DOWNLOAD, "data"),
    Input(ids.POSTS_EXPORT, "n_clicks"),
    State(PAGES_LOCATION, "search"),
    prevent_initial_call=True,
)
def download(clicks: int | None, search: str | None) -> dict[str, Any]:
    """The current view (its URL) as CSV, formulas neutralised as in every export."""
    if not clicks:
        raise PreventUpdate
    config = data.current_config()
    query = urlstate.parse_search(search)
    filters, post = urlstate.filters(query), urlstate.post_filters(query)
    frame = data.load(queries.posts_table, config, filters, post)
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return dcc.send_string(text, "filmbuzz-posts.csv", type="text/csv")
