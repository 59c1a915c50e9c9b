"""Links from a chart's point to the Posts view of exactly the posts behind it.

A page builds one `Drill` from its own URL (the global filters and, on a film page, the film);
figure functions ask it for each point's link and put it in the point's `customdata`, and
`drill_through` turns a click on the chart into that link. The Posts view reads the same
filters back from its URL, so the count it shows is the number that was clicked.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dash import Input, Output, clientside_callback

from dashboards import urlstate

POSTS_PATH = "/posts"
PAGES_LOCATION = "_pages_location"  # Dash's own location component (dash.page_container)
UNIT_DAYS = {"day": 1, "week": 7}


@dataclass(frozen=True)
class Drill:
    """The page's filters (`query`: global keys, plus `film`) and its date range."""

    query: Mapping[str, str] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_search(cls, search: str | None, film: str | None = None) -> Drill:
        query = urlstate.parse_search(urlstate.global_search(search))
        filters = urlstate.filters(query)
        return cls({**query, **({"film": film} if film else {})}, filters.start, filters.end)

    def href(self, **fields: str | Sequence[str] | None) -> str:
        """The Posts view of the page's posts narrowed by `fields` (query keys of the Posts
        view; a sequence means any of its values)."""
        extra = {key: _value(value) for key, value in fields.items()}
        if extra.keys() & self.query.keys():
            return POSTS_PATH + urlstate.format_search({**self.query, **extra})
        # The common case, once per chart point: the page's part is encoded once.
        tail = urlstate.format_search(extra)
        return POSTS_PATH + (
            self._base + "&" + tail[1:] if self._base and tail else self._base or tail
        )

    @functools.cached_property
    def _base(self) -> str:
        return urlstate.format_search(self.query)

    def period(self, first: date, unit: str) -> dict[str, str]:
        """`from` and `to` of the day or week starting `first`, within the page's range (a
        week at the range's edge only counts the days inside it)."""
        last = first + timedelta(days=UNIT_DAYS.get(unit, 1) - 1)
        start = max(first, self.start) if self.start else first
        end = min(last, self.end) if self.end else last
        return {"from": start.isoformat(), "to": end.isoformat()}

    def at(self, first: date, unit: str, **fields: str | Sequence[str] | None) -> str:
        return self.href(**self.period(first, unit), **fields)


def _value(value: str | Sequence[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return ",".join(value) or None


# A click on any point that carries a Posts link (its customdata, or the last item of it)
# moves the page there, without reloading the app.
_FOLLOW = """
function() {
    const triggered = (window.dash_clientside.callback_context || {}).triggered || [];
    const click = triggered.length ? triggered[0].value : null;
    const point = click && click.points && click.points[0];
    let link = point ? point.customdata : null;
    if (Array.isArray(link)) { link = link[link.length - 1]; }
    if (typeof link === "string" && link.startsWith("/posts")) { return link; }
    return window.dash_clientside.no_update;
}
"""


def drill_through(graph_ids: Sequence[str]) -> None:
    """Register the click handler of a page's graphs (call once, at the page module's import)."""
    clientside_callback(
        _FOLLOW,
        Output(PAGES_LOCATION, "href", allow_duplicate=True),
        [Input(graph_id, "clickData") for graph_id in graph_ids],
        prevent_initial_call=True,
    )
