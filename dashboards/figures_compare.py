"""Figures across films: the aligned comparison (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures import GRID, MUTED, empty_figure, figure, plotly_text
from dashboards.metrics import Anchor, Norm
from pipeline.config import Film

FILM_COLORS = ("#3b5bdb", "#e8590c", "#2f9e44", "#ae3ec9", "#0c8599", "#d6336c", "#f59f00")
ANCHOR_NAMES = {"premiere": "premiere", "release": "first release"}
NORM_NAMES = {"peak": "% of the film's peak", "total": "% of the film's mentions", "none": "posts"}


def compare_figure(
    aligned: pd.DataFrame, films: Sequence[Film], anchor: Anchor, norm: Norm
) -> go.Figure:
    """One line per film (film, offset, value), on days since the anchor."""
    title = f"Mentions per day (7-day average) since {ANCHOR_NAMES[anchor]}"
    if aligned.empty:
        return empty_figure(title)
    titles = {film.slug: film.title for film in films}
    slugs = [f.slug for f in films if f.slug in set(aligned["film"])]
    lines = []
    for index, slug in enumerate(slugs):
        rows = aligned[aligned["film"] == slug]
        name = plotly_text(titles.get(slug, slug))
        lines.append(
            {
                "type": "scatter",
                "x": rows["offset"],
                "y": rows["value"],
                "mode": "lines",
                "name": name,
                "line": {"color": FILM_COLORS[index % len(FILM_COLORS)], "width": 2.5},
                "hovertemplate": f"{name}<br>day %{{x:+d}}: %{{y:.1f}}<extra></extra>",
            }
        )
    zero = {"type": "line", "xref": "x", "yref": "y domain", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
            "line": {"color": MUTED, "dash": "dot", "width": 1}}  # fmt: skip
    layout = {
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.18},
        "shapes": [zero],
        "xaxis": {"title": {"text": f"Days since {ANCHOR_NAMES[anchor]}"}, "showgrid": True,
                  "gridcolor": GRID},
        "yaxis": {"title": {"text": NORM_NAMES[norm]}, "rangemode": "tozero"},
    }  # fmt: skip
    return figure(title, 440, lines, layout)
