"""The global filter bar and the callbacks that keep the URL in step with it.

Every control bound to the URL has an id `{"type": URL_PARAM, "key": <query key>}` (its `value`)
or, for the date range, `{"type": URL_DATES, "key": "dates"}`. One callback turns their values
into the query string of Dash's page location; the page then renders again from the URL, which
is the only state a view has (so links restore it and gunicorn workers share nothing).
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import components, figures, urlstate
from dashboards.data import Choices
from dashboards.figures import language_name
from dashboards.geo import country_name
from dashboards.urlstate import Filters

URL_PARAM = "url-param"
URL_DATES = "url-dates"
NAV = "nav-link"
PAGES_LOCATION = "_pages_location"  # Dash's own location component (dash.page_container)


def param_id(key: str) -> dict[str, str]:
    return {"type": URL_PARAM, "key": key}


def filter_bar(choices: Choices, current: Filters, extra: tuple[Any, ...] = ()) -> html.Div:
    """Dates, sources, languages and countries (plus a page's own controls in `extra`)."""
    fields = [
        field("Dates", _dates(choices, current)),
        field("Sources", _sources(choices.sources, current.sources)),
        field("Languages", _dropdown("lang", _languages(choices.languages), current.languages)),
        field("Countries", _dropdown("country", _countries(choices.countries), current.countries)),
        *extra,
    ]
    style = {**components.CARD, "display": "flex", "gap": "24px", "flexWrap": "wrap"}
    return html.Div(fields, className="filter-bar", style={**style, "marginBottom": "16px"})


def field(label: str, control: Any, width: str | None = None) -> html.Div:
    caption = html.Div(
        label, style={"fontSize": "12px", "color": figures.MUTED, "marginBottom": "6px"}
    )
    return html.Div([caption, control], style={"minWidth": width or "auto"})


def _dates(choices: Choices, current: Filters) -> dcc.DatePickerRange:
    return dcc.DatePickerRange(
        id={"type": URL_DATES, "key": "dates"},
        min_date_allowed=_iso(choices.first),
        max_date_allowed=_iso(choices.last),
        initial_visible_month=_iso(current.end or choices.last),
        start_date=_iso(current.start),
        end_date=_iso(current.end),
        start_date_placeholder_text=_iso(choices.first) or "Start",
        end_date_placeholder_text=_iso(choices.last) or "End",
        display_format="YYYY-MM-DD",
        first_day_of_week=1,
        clearable=True,
        updatemode="bothdates",
    )


def _sources(sources: list[str], current: tuple[str, ...]) -> dcc.Checklist:
    chosen = [s for s in sources if s in current] if current else list(sources)
    return dcc.Checklist(
        id=param_id("source"),
        options=[{"label": f" {name}", "value": name} for name in sources],
        value=chosen,
        inline=True,
        inputStyle={"marginRight": "4px"},
        labelStyle={"marginRight": "14px"},
    )


def _dropdown(key: str, options: list[dict[str, str]], current: tuple[str, ...]) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=param_id(key),
        options=options,
        value=list(current),
        multi=True,
        placeholder="All",
        style={"minWidth": "180px"},
    )


def _languages(codes: list[str]) -> list[dict[str, str]]:
    return [{"label": language_name(code), "value": code} for code in codes]


def _countries(codes: list[str]) -> list[dict[str, str]]:
    return [{"label": country_name(code), "value": code} for code in codes if code != "unknown"]


@callback(
    Output(PAGES_LOCATION, "search"),
    Input({"type": URL_PARAM, "key": ALL}, "value"),
    Input({"type": URL_DATES, "key": ALL}, "start_date"),
    Input({"type": URL_DATES, "key": ALL}, "end_date"),
    State({"type": URL_PARAM, "key": ALL}, "options"),
    State(PAGES_LOCATION, "search"),
    prevent_initial_call=True,
)
def sync_url(
    values: list[Any], starts: list[Any], ends: list[Any], options: list[Any], search: str | None
) -> str:
    """The query string for the controls' values; a page number starts over at 1."""
    query: dict[str, str | None] = dict(urlstate.parse_search(search))
    keys = [item["id"]["key"] for item in ctx.inputs_list[0]]
    for key, value, offered in zip(keys, values, options, strict=True):
        query[key] = _query_value(key, value, offered)
    if starts:
        query["from"], query["to"] = _iso_text(starts[0]), _iso_text(ends[0])
    query.pop("page", None)
    new = urlstate.format_search(query)
    if new == urlstate.format_search(urlstate.parse_search(search)):
        raise PreventUpdate
    return new


@callback(
    Output({"type": NAV, "key": ALL}, "href"),
    Input(PAGES_LOCATION, "search"),
    State({"type": NAV, "key": ALL}, "id"),
)
def carry_filters(search: str | None, links: list[dict[str, str]]) -> list[str]:
    """Navigation links keep the global filters, so a view survives moving between pages."""
    tail = urlstate.global_search(search)
    return [link["key"] + tail for link in links]


def _query_value(key: str, value: Any, offered: Any) -> str | None:
    if urlstate.DEFAULTS.get(key) == value:
        return None
    if isinstance(value, list) and not value:
        # An emptied source checklist shows nothing; an emptied dropdown means "all".
        return urlstate.NOTHING if key == "source" else None
    # Every source ticked is no filter at all; other lists (films to compare) are kept as chosen.
    return None if key == "source" and _everything(value, offered) else urlstate.join(value)


def _everything(value: Any, offered: Any) -> bool:
    if not isinstance(value, list) or not isinstance(offered, list) or not value:
        return False
    return {o["value"] for o in offered if isinstance(o, dict)} <= set(value)


def _iso_text(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None
