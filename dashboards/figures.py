"""Pure figure functions: data frames (and the film's config) in, a plotly Figure out.

Used by the Dash pages and by the static HTML report, so both always show the same charts.
"""

from __future__ import annotations

import html
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.coverage import Gap
from dashboards.drill import Drill
from pipeline.config import Film, FilmEvent

NO_POSTS = "No posts in this range"
LABEL_CHARS = 32  # a bar chart's longer category labels are cut
_NET_ROW, _ROW_GAP = 0.28, 0.06  # the sentiment chart's net-score row and the gap above it
FONT = "Inter, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK, MUTED, GRID = "#1f2933", "#6b7280", "#e5e7eb"
ACCENT = "#3b5bdb"
# Lighter than the event colours, so event lines stay visible over the bars.
VOLUME = "#8fa9d6"
OTHER = "#cbd5e1"
NO_DATA = "rgba(134, 142, 150, 0.14)"  # spans without data: not the same as 0 posts

SENTIMENT_COLORS = {"pos": "#2f9e44", "neu": "#adb5bd", "neg": "#e03131"}
SENTIMENT_NAMES = {"pos": "Positive", "neu": "Neutral", "neg": "Negative"}
SOURCE_COLORS = {
    "mastodon": "#6364ff",
    "letterboxd": "#f08c00",
    "wikipedia": "#495057",
    "feeds": "#1c7ed6",
}
EVENT_COLORS = {
    "festival": "#7048e8",
    "trailer": "#0c8599",
    "release": "#e8590c",
    "award": "#c2a000",
    "other": "#868e96",
}
X_AXIS: dict[str, Any] = {"showgrid": False, "linecolor": GRID}
Y_AXIS: dict[str, Any] = {"gridcolor": GRID, "zeroline": False}
LEGEND_ABOVE = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"}
_PALETTE = ("#1098ad", "#d6336c", "#5c940d", "#ae3ec9", "#f59f00", "#4263eb", "#37b24d")
LANGUAGES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
    "nl": "Dutch",
    "und": "Unknown",
}


@dataclass(frozen=True)
class Marker:
    """A dated vertical line on the mentions chart: a film event or a release."""

    day: date
    kind: str
    label: str
    detail: str
    dash: str = "solid"


def source_color(source: str) -> str:
    # crc32, not hash(): colours must match across processes and gunicorn workers.
    fallback = _PALETTE[zlib.crc32(source.encode("utf-8")) % len(_PALETTE)]
    return SOURCE_COLORS.get(source, fallback)


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code.upper())


def empty_figure(title: str, message: str = NO_POSTS) -> go.Figure:
    note = {
        "text": message,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 14, "color": MUTED},
    }
    hidden = {"visible": False}
    return figure(title, 320, [], {"xaxis": hidden, "yaxis": hidden, "annotations": [note]})


def mentions_figure(
    volume: pd.DataFrame,
    film: Film,
    window: tuple[date, date] | None = None,
    unit: str = "day",
    drill: Drill | None = None,
    gaps: Sequence[Gap] = (),
) -> go.Figure:
    """Posts per day or week (columns period, posts) with the film's events and releases marked;
    spans without data (`gaps`) shaded apart from days with 0 posts; with `drill`, a bar links
    to its posts."""
    title = f"Mentions per {unit}"
    if volume.empty or not int(volume["posts"].sum()):
        return empty_figure(title)
    days = pd.to_datetime(volume["period"])
    lo, hi = window or (days.min().date(), days.max().date())
    lo, hi = min([lo, *(g.start for g in gaps)]), max([hi, *(g.end for g in gaps)])
    bars = {
        "type": "bar",
        "x": days,
        "y": volume["posts"],
        "name": "Posts",
        "marker": {"color": VOLUME},
        "customdata": period_links(drill, days, unit),
        "hovertemplate": ("Week of " if unit == "week" else "")
        + "%{x|%a %d %b %Y}<br>%{y} posts<extra></extra>",
    }
    shaded, notes = _gap_parts(gaps)
    lines, labels, top = _marker_parts(markers(film, lo, hi), lo, hi)
    layout = {
        "shapes": shaded + lines,
        "annotations": notes + labels,
        "margin": {"t": top},
        "xaxis": {"range": [lo - timedelta(days=1), hi + timedelta(days=1)], "type": "date"},
        "yaxis": {"title": {"text": "Posts"}, "rangemode": "tozero"},
    }
    return figure(title, 360, [bars], layout)


def period_links(
    drill: Drill | None, periods: pd.Series, unit: str, **fields: str | None
) -> list[str] | None:
    """Per period, the Posts view of its posts (narrowed by `fields`); None without a drill."""
    if drill is None:
        return None
    return [drill.at(pd.Timestamp(p).date(), unit, **fields) for p in periods]


def markers(film: Film, lo: date, hi: date) -> list[Marker]:
    """The film's events and releases between lo and hi; a release that is also an event, once."""
    found = [
        Marker(e.date, e.kind, e.label, _event_detail(e)) for e in film.events if lo <= e.date <= hi
    ]
    release_days = {m.day for m in found if m.kind == "release"}
    for release in film.releases:
        if lo <= release.date <= hi and release.date not in release_days:
            label = f"{release.country} {release.kind} release"
            detail = f"{release.date.isoformat()} · {label}"
            found.append(Marker(release.date, "release", label, detail, dash="dot"))
    return sorted(found, key=lambda m: (m.day, m.label))


def sentiment_figure(
    sentiment: pd.DataFrame, window: str = "7D", unit: str = "day", drill: Drill | None = None
) -> go.Figure:
    """Stacked positive/neutral/negative bars per period; below, the net score over `window`;
    with `drill`, a bar links to its posts."""
    title = "Sentiment over time"
    if sentiment.empty or not int(sentiment["posts"].sum()):
        return empty_figure(title)
    days = pd.to_datetime(sentiment["period"])
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": days,
            "y": sentiment[label],
            "name": SENTIMENT_NAMES[label],
            "marker": {"color": SENTIMENT_COLORS[label]},
            "customdata": period_links(drill, days, unit, sentiment=label),
            "hovertemplate": (
                f"%{{x|%a %d %b %Y}}<br>{SENTIMENT_NAMES[label]}: %{{y}} posts<extra></extra>"
            ),
        }
        for label in ("pos", "neu", "neg")
    ]
    traces.append(
        {
            "type": "scatter",
            "x": days,
            "y": rolling_net(sentiment, window),
            "xaxis": "x2",
            "yaxis": "y2",
            "name": f"Net ({window.replace('D', '-day')})",
            "mode": "lines",
            "line": {"color": INK, "width": 2},
            "hovertemplate": "Net: %{y:+.0%}<extra></extra>",
        }
    )
    # Two rows sharing the time axis: counts above, the net score below.
    net_top = (1 - _ROW_GAP) * _NET_ROW
    layout = {
        "barmode": "stack",
        "showlegend": True,
        # One bar segment per hover (and per click): a click opens that label's posts.
        "hovermode": "closest",
        "legend": {**LEGEND_ABOVE, "traceorder": "normal"},
        "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False},
        "xaxis2": {**X_AXIS, "anchor": "y2"},
        "yaxis": {"anchor": "x", "domain": [net_top + _ROW_GAP, 1.0], "title": {"text": "Posts"},
                  "rangemode": "tozero"},
        "yaxis2": {
            **Y_AXIS,
            "anchor": "x2",
            "domain": [0.0, net_top],
            "title": {"text": "Net"},
            "range": [-1.05, 1.05],
            "tickvals": [-1, 0, 1],
            "ticktext": ["−100%", "0", "+100%"],
            "zeroline": True,
            "zerolinecolor": "#ced4da",
        },
    }  # fmt: skip
    return figure(title, 400, traces, layout)


def rolling_net(sentiment: pd.DataFrame, window: str = "7D", min_posts: int = 5) -> pd.Series:
    """(positive - negative) / posts over a trailing time window, so quiet days do not swing it.

    Windows with fewer than `min_posts` posts give no value: two posts are not a trend.
    """
    frame = sentiment[["pos", "neg", "posts"]].astype("float64")
    frame.index = pd.to_datetime(sentiment["period"])
    sums = frame.rolling(window).sum()
    net = (sums["pos"] - sums["neg"]) / sums["posts"]
    return net.where(sums["posts"] >= min_posts).reset_index(drop=True)


def source_figure(sources: pd.DataFrame, drill: Drill | None = None) -> go.Figure:
    """Share of posts by source (columns source, posts); with `drill`, a bar links to its posts."""
    labels = sources["source"].astype(str).tolist()
    links = [drill.href(source=s) for s in labels] if drill else None
    return _share_bars(
        "Share by source", labels, sources["posts"], [source_color(s) for s in labels], links
    )


def language_figure(languages: pd.DataFrame, top: int = 8, drill: Drill | None = None) -> go.Figure:
    """Share of posts by language (columns lang, posts); beyond `top`, grouped as Other."""
    ranked = languages.sort_values("posts", ascending=False)
    codes = [[str(code)] for code in ranked["lang"].head(top)]
    values = ranked["posts"].head(top).tolist()
    rest = int(ranked["posts"].iloc[top:].sum())
    if rest:
        codes, values = [*codes, [str(c) for c in ranked["lang"].iloc[top:]]], [*values, rest]
    labels = [language_name(c[0]) if len(c) == 1 else "Other" for c in codes]
    colors = [OTHER if label == "Other" else "#0c8599" for label in labels]
    links = [drill.href(lang=c) for c in codes] if drill else None
    return _share_bars("Share by language", labels, pd.Series(values), colors, links)


def voice_figure(
    voice: pd.DataFrame,
    films: Sequence[Film],
    highlight: str | None = None,
    drill: Drill | None = None,
) -> go.Figure:
    """Share of voice across films (columns film, posts); `highlight` one film's bar; with
    `drill`, a bar links to that film's posts."""
    titles = {film.slug: film.title for film in films}
    slugs = voice["film"].astype(str).tolist()
    colors = [ACCENT if highlight in (None, slug) else OTHER for slug in slugs]
    labels = [titles.get(slug, slug) for slug in slugs]
    links = [drill.href(film=slug) for slug in slugs] if drill else None
    return _share_bars("Share of voice", labels, voice["posts"], colors, links)


def _share_bars(
    title: str,
    labels: list[str],
    posts: pd.Series,
    colors: list[str],
    links: list[str] | None = None,
) -> go.Figure:
    total = int(posts.sum()) if len(posts) else 0
    if not total:
        return empty_figure(title)
    values = [int(v) for v in posts]
    shares = [v / total for v in values]
    bars = {
        "type": "bar",
        "x": shares,
        "y": [plotly_text(label) for label in labels],
        "orientation": "h",
        "marker": {"color": colors},
        "text": [f"{s:.0%} · {v:,}" for s, v in zip(shares, values, strict=True)],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [
            [v, link] for v, link in zip(values, links or [""] * len(values), strict=True)
        ],
        "hovertemplate": "%{y}: %{x:.1%} (%{customdata[0]:,} posts)<extra></extra>",
    }
    ticks, room = category_ticks(labels)
    layout = {
        "xaxis": {"visible": False, "range": [0, max(shares) * 1.3]},
        "yaxis": {"autorange": "reversed", "showgrid": False, "ticks": "", "ticksuffix": "  ",
                  **ticks},
        # A fixed height keeps side-by-side cards aligned; a wider gap keeps few bars from
        # bloating.
        "margin": {"l": room, "r": 16, "t": 48, "b": 12},
        "bargap": 0.5 if len(labels) < 5 else 0.3,
    }  # fmt: skip
    return figure(title, 320, [bars], layout)


def figure(
    title: str, height: int, traces: list[dict[str, Any]], layout: dict[str, Any] | None = None
) -> go.Figure:
    """The house look, with `traces` (dicts with their `type`) and `layout` merged over it.

    Built in one constructor call: every `add_*`/`update_*` call costs milliseconds (plotly
    parses each key path), ten of them a chart, nine charts a film page.
    """
    return go.Figure(data=traces, layout=_merged(_base_layout(title, height), layout or {}))


def _base_layout(title: str, height: int) -> dict[str, Any]:
    # "none", not "plotly_white": copying a full template costs ~60 ms a figure; the few
    # styles this look needs are set here.
    return {
        "template": "none",
        "title": {
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 14},
            "font": {"size": 15, "color": INK},
        },
        "font": {"family": FONT, "size": 12, "color": INK},
        "height": height,
        "margin": {"l": 56, "r": 56, "t": 56, "b": 40},
        "showlegend": False,
        "bargap": 0.2,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": X_AXIS,
        "yaxis": Y_AXIS,
    }


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        nested = isinstance(old, dict) and isinstance(value, dict)
        merged[key] = _merged(old, value) if isinstance(old, dict) and nested else value
    return merged


def _gap_parts(gaps: Sequence[Gap]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A shaded span and its label per gap."""
    shapes, notes = [], []
    for gap in gaps:
        start = gap.start - timedelta(hours=12)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y domain",
                "x0": start,
                "x1": gap.end + timedelta(hours=12),
                "y0": 0,
                "y1": 1,
                "fillcolor": NO_DATA,
                "line": {"color": MUTED, "width": 1, "dash": "dot"},
                "layer": "below",
                "name": "gap",
            }
        )
        notes.append(
            {
                "text": plotly_text(gap.label),
                "font": {"size": 11, "color": MUTED},
                "x": start,
                "y": 1,
                "xref": "x",
                "yref": "y domain",
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
            }
        )
    return shapes, notes


def _marker_parts(
    found: list[Marker], lo: date, hi: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """A line and a label per marker, and the top margin their rows of labels need."""
    rows = _label_rows(found, lo, hi)
    span = max((hi - lo).days, 1)
    lines, labels = [], []
    for marker, row in zip(found, rows, strict=True):
        line, label = _marker(marker, row, right=(marker.day - lo).days > 0.75 * span)
        lines.append(line)
        labels.append(label)
    return lines, labels, 64 + 18 * (max(rows) + 1) if rows else 56


def _label_rows(found: list[Marker], lo: date, hi: date) -> list[int]:
    """A row per label so that neighbouring labels do not overlap (at most three rows)."""
    # Roughly 7 px per character on a ~1100 px wide plot: good enough to keep labels apart.
    days_per_char = max((hi - lo).days, 1) * 7 / 1100
    ends: list[float] = []
    rows = []
    for marker in found:
        start = float((marker.day - lo).days)
        row = next((i for i, end in enumerate(ends) if end < start), min(len(ends), 2))
        end = start + (len(_short(marker.label)) + 2) * days_per_char
        if row == len(ends):
            ends.append(end)
        else:
            ends[row] = end
        rows.append(row)
    return rows


def _marker(marker: Marker, row: int, right: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    color = EVENT_COLORS.get(marker.kind, EVENT_COLORS["other"])
    line = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": marker.day,
        "x1": marker.day,
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "width": 2, "dash": marker.dash},
        "layer": "above",
        "name": marker.kind,
    }
    label = {
        "x": marker.day,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "yshift": 4 + 18 * row,
        "text": plotly_text(_short(marker.label)),
        "hovertext": plotly_text(marker.detail),
        "showarrow": False,
        "xanchor": "right" if right else "left",
        "yanchor": "bottom",
        "font": {"size": 11, "color": color},
    }
    return line, label


def _event_detail(event: FilmEvent) -> str:
    where = f" ({event.country})" if event.country else ""
    return f"{event.date.isoformat()} · {event.kind.capitalize()} · {event.label}{where}"


def category_ticks(labels: Sequence[str]) -> tuple[dict[str, Any], int]:
    """A bar chart's category ticks, cut to LABEL_CHARS (the hover keeps them whole), and the
    left margin they need: ~7 px a character at 12 px, 12 for a wide one. Plotly's automargin
    would measure it, at the cost of drawing the chart twice."""
    shown = [_short(label, LABEL_CHARS) for label in labels]
    widest = max((sum(_char_width(c) for c in text) for text in shown), default=0)
    ticks = {
        "tickmode": "array",
        "tickvals": [plotly_text(label) for label in labels],
        "ticktext": [plotly_text(text) for text in shown],
    }
    return ticks, widest + 12


def _char_width(char: str) -> int:
    return 12 if unicodedata.east_asian_width(char) in "WF" else 7


def plotly_text(text: str) -> str:
    # Plotly renders a little HTML (<a href>, <b>…) in labels; labels from data stay literal.
    return html.escape(text, quote=False)


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
