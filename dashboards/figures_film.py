"""Film page figures beyond volume and sentiment: aspects, intents, demand map, signals.

Pure functions: frames (and the film's config) in, a plotly Figure out; the report uses them too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.drill import Drill
from dashboards.figures import (
    LEGEND_ABOVE,
    MUTED,
    SENTIMENT_COLORS,
    SENTIMENT_NAMES,
    category_ticks,
    empty_figure,
    figure,
    period_links,
    plotly_text,
)
from dashboards.geo import alpha3, country_name
from pipeline.availability import (
    ATTRIBUTION,
    DEMAND_INTENTS,
    HOME_OFFERS,
    PAID_OFFERS,
    STATUS_NAMES,
    Availability,
    Offer,
    demand_by_country,
    providers,
)

INTENT_NAMES = {
    "want_to_see": "Want to see",
    "where_to_watch": "Where to watch",
    "piracy": "Piracy talk",
    "watched": "Watched",
    "recommend": "Recommends",
}
INTENT_COLORS = {
    "want_to_see": "#4263eb",
    "where_to_watch": "#0c8599",
    "piracy": "#e03131",
    "watched": "#868e96",
    "recommend": "#2f9e44",
}
DEMAND = DEMAND_INTENTS
# The NLP's aspects (nlp.components.cues.ASPECTS; not imported here, as that loads spaCy).
ASPECTS = ("acting", "story", "direction", "visuals", "sound", "pacing", "ending", "tone")
BUBBLE_MAX = 36
STATUS_COLORS = {
    "on_demand": "#96f2d7",
    "released": "#b2f2bb",
    "announced": "#ffe8a1",
    "none": "#e9ecef",
}
SIGNAL_NAMES = {
    ("letterboxd", "watches"): "Letterboxd watches",
    ("letterboxd", "fans"): "Letterboxd fans",
    ("letterboxd", "lists"): "On Letterboxd lists",
    ("letterboxd", "average_rating"): "Letterboxd average",
    ("youtube", "views"): "Trailer views",
    ("youtube", "likes"): "Trailer likes",
}


def intent_name(code: str) -> str:
    return INTENT_NAMES.get(code, code.replace("_", " ").capitalize())


def aspects_figure(aspects: pd.DataFrame, drill: Drill | None = None) -> go.Figure:
    """What people praise and criticise (aspect, sentiment of the aspect, posts): per aspect,
    positive to the right, negative to the left; with `drill`, a bar links to its posts."""
    title = "Aspects and their sentiment"
    if aspects.empty or not int(aspects["posts"].sum()):
        return empty_figure(title)
    wide = aspects.pivot_table(
        index="aspect", columns="sentiment", values="posts", aggfunc="sum", fill_value=0
    ).reindex(columns=["pos", "neu", "neg"], fill_value=0)
    wide = wide.assign(total=wide.sum(axis=1)).sort_values("total", ascending=True)
    names = [str(a).capitalize() for a in wide.index]
    labels = [plotly_text(name) for name in names]
    ticks, room = category_ticks(names)
    bars = []
    for label, sign in (("neg", -1), ("pos", 1), ("neu", 1)):
        links = [
            drill.href(aspect=str(a), aspect_sentiment=label) if drill else "" for a in wide.index
        ]
        bars.append(
            {
                "type": "bar",
                "y": labels,
                "x": wide[label] * sign,
                "orientation": "h",
                "name": SENTIMENT_NAMES[label],
                "marker": {"color": SENTIMENT_COLORS[label]},
                "customdata": [[int(n), link] for n, link in zip(wide[label], links, strict=True)],
                "hovertemplate": (
                    f"%{{y}} · {SENTIMENT_NAMES[label]}: %{{customdata[0]}}<extra></extra>"
                ),
            }
        )
    layout = {
        "barmode": "relative",
        "showlegend": True,
        "legend": LEGEND_ABOVE,
        "xaxis": {
            "title": {"text": "← negative · posts · positive →"},
            "zeroline": True,
            "zerolinecolor": MUTED,
        },
        "yaxis": {"showgrid": False, **ticks},
        "margin": {"l": max(56, room)},
    }
    return figure(title, max(260, 60 + 34 * len(wide)), bars, layout)


def intents_figure(
    intents: pd.DataFrame, weeks: pd.DatetimeIndex | None = None, drill: Drill | None = None
) -> go.Figure:
    """Posts per week by intent (period, intent, posts), 0 in a week of `weeks` (default: from
    the first week with posts to the last) without any; with `drill`, a point links to its posts."""
    title = "Intents per week"
    if intents.empty or not int(intents["posts"].sum()):
        return empty_figure(title)
    wide = intents.pivot_table(
        index=pd.to_datetime(intents["period"]), columns="intent", values="posts", aggfunc="sum"
    )
    if weeks is None:
        weeks = pd.date_range(wide.index.min(), wide.index.max(), freq="7D")
    wide = wide.reindex(weeks.union(wide.index), fill_value=0).fillna(0).astype("int64")
    codes = [c for c in INTENT_COLORS if c in wide.columns]
    codes += [c for c in wide.columns if c not in INTENT_COLORS]
    lines = []
    for code in codes:
        name = intent_name(str(code))
        lines.append(
            {
                "type": "scatter",
                "x": wide.index,
                "y": wide[code],
                # Markers only while they can be told apart (they also cost rendering time).
                "mode": "lines+markers" if len(wide) <= 30 else "lines",
                "name": name,
                "line": {"color": INTENT_COLORS.get(str(code), MUTED), "width": 2},
                "customdata": period_links(drill, wide.index.to_series(), "week", intent=str(code)),
                "hovertemplate": f"Week of %{{x|%d %b %Y}}<br>{name}: %{{y}} posts<extra></extra>",
            }
        )
    return figure(title, 320, lines, _lines_layout("closest", "Posts per week"))


def demand_map(
    demand: pd.DataFrame,
    known: Availability,
    as_of: date,
    audience: tuple[int, int] = (0, 0),
    drill: Drill | None = None,
    asking: Mapping[str, int] | None = None,
) -> go.Figure:
    """Demand (want to see, where to watch, piracy) per audience country, coloured by release
    status on `as_of` (`pipeline.availability`); `audience`: posts with a country, all posts.

    With `drill`, a country links to its demand posts; `asking` (country → posts with any
    demand intent, each once) is the number shown for that link.
    """
    with_country, total = audience
    title = "Demand by audience country" + (
        f" · {with_country:,} of {total:,} posts name one" if total else ""
    )
    wide = demand_by_country(demand)
    status = {c: known.status(c, as_of) for c in known.countries()}
    if wide.empty and not status:
        return empty_figure(title)
    countries = sorted(set(wide.index) | set(status))
    traces = []
    for code, name in STATUS_NAMES.items():
        chosen = [c for c in countries if status.get(c, "none") == code and alpha3(c)]
        traces.append(
            {
                "type": "choropleth",
                "locations": [alpha3(c) for c in chosen],
                "z": [1] * len(chosen),
                "colorscale": [[0, STATUS_COLORS[code]], [1, STATUS_COLORS[code]]],
                "showscale": False,
                "name": name,
                "showlegend": True,
                "marker": {"line": {"color": "white", "width": 0.5}},
                "text": [_hover(c, name, wide, asking, known.offers_on(c, as_of)) for c in chosen],
                "customdata": _country_links(drill, chosen),
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    traces += _bubbles(wide[list(DEMAND)], drill, asking)
    layout: dict[str, Any] = {
        "geo": {
            "showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"},
            "showcountries": True, "countrycolor": "white", "landcolor": "#f1f3f5",
            "showland": True,
        },
        "margin": {"l": 0, "r": 0, "t": 48, "b": 0},
        "showlegend": True,
        "legend": {"orientation": "h"},
    }  # fmt: skip
    if known.offers:
        layout["annotations"] = [
            {"text": ATTRIBUTION, "showarrow": False, "x": 0, "y": 0, "xref": "paper",
             "yref": "paper", "xanchor": "left", "font": {"size": 10, "color": MUTED}}
        ]  # fmt: skip
    return figure(title, 420, traces, layout)


def _country_links(drill: Drill | None, countries: list[str]) -> list[str] | None:
    return [drill.href(country=c, intent=DEMAND) for c in countries] if drill else None


def _bubbles(
    wide: pd.DataFrame, drill: Drill | None, asking: Mapping[str, int] | None
) -> list[dict[str, Any]]:
    totals = wide.sum(axis=1)
    totals = totals[totals > 0]
    if totals.empty:
        return []
    known = [c for c in totals.index if alpha3(c)]
    peak = float(totals.max())
    bubbles = {
        "type": "scattergeo",
        "locations": [alpha3(c) for c in known],
        "marker": {
            # Area proportional to the count, the busiest country at BUBBLE_MAX pixels across.
            "size": [6 + (BUBBLE_MAX - 6) * math.sqrt(totals[c] / peak) for c in known],
            "color": "rgba(214, 51, 108, 0.55)",
            "line": {"color": "#a61e4d", "width": 1},
        },
        "name": "Demand (posts)",
        "text": [_hover(c, None, wide, asking) for c in known],
        "customdata": _country_links(drill, known),
        "hovertemplate": "%{text}<extra></extra>",
    }
    return [bubbles]


def _hover(
    code: str,
    status: str | None,
    wide: pd.DataFrame,
    asking: Mapping[str, int] | None,
    offers: list[Offer] | None = None,
) -> str:
    lines = [f"<b>{plotly_text(country_name(code))}</b>"]
    if status:
        lines.append(status)
    for label, kinds in (("Streams on", HOME_OFFERS), ("Rent or buy", PAID_OFFERS)):
        names = providers(offers or [], kinds)
        if names:
            lines.append(f"{label}: {plotly_text(names)}")
    if code in wide.index:
        lines += [f"{intent_name(i)}: {int(wide.at[code, i])}" for i in DEMAND]
    if asking is not None:
        lines.append(f"Posts asking: {int(asking.get(code, 0))} (click to read)")
    return "<br>".join(lines)


def pageviews_figure(
    signals: pd.DataFrame, window: tuple[date | None, date | None] = (None, None)
) -> go.Figure:
    """Wikipedia pageviews per day within `window`, one line per language edition."""
    title = "Wikipedia pageviews"
    views = signals[(signals["source"] == "wikipedia") & (signals["metric"] == "pageviews")]
    days = pd.to_datetime(views["day"]).dt.date
    views = views[(days >= (window[0] or date.min)) & (days <= (window[1] or date.max))]
    if views.empty:
        return empty_figure(title, "No pageviews in this range")
    lines = [
        {
            "type": "scatter",
            "x": pd.to_datetime(rows["day"]),
            "y": rows["value"],
            "mode": "lines",
            "name": f"{key}.wikipedia",
            "hovertemplate": f"{key}: %{{y:,}}<extra></extra>",
        }
        for key, rows in views.groupby("key")
    ]
    return figure(title, 320, lines, _lines_layout("x unified", "Views per day"))


def _lines_layout(hovermode: str, y_title: str) -> dict[str, Any]:
    """Lines from zero, their legend below the chart."""
    return {
        "showlegend": True,
        "hovermode": hovermode,
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
    }


def signal_facts(signals: pd.DataFrame) -> list[tuple[str, str]]:
    """The latest Letterboxd stats and trailer numbers, as (label, value) pairs."""
    facts = []
    for (source, metric), label in SIGNAL_NAMES.items():
        rows = signals[(signals["source"] == source) & (signals["metric"] == metric)]
        if rows.empty:
            continue
        latest = rows.sort_values("day").groupby("key")["value"].last()
        value = float(latest.mean() if metric == "average_rating" else latest.sum())
        facts.append((label, f"{value:.2f} / 5" if metric == "average_rating" else f"{value:,.0f}"))
    return facts
