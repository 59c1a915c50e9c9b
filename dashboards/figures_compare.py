"""Figures across films: the aligned comparison (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures import GRID, MUTED, base_figure, empty_figure, plotly_text
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
    fig = base_figure(title, height=440)
    slugs = [f.slug for f in films if f.slug in set(aligned["film"])]
    for index, slug in enumerate(slugs):
        rows = aligned[aligned["film"] == slug]
        name = plotly_text(titles.get(slug, slug))
        fig.add_scatter(
            x=rows["offset"],
            y=rows["value"],
            mode="lines",
            name=name,
            line={"color": FILM_COLORS[index % len(FILM_COLORS)], "width": 2.5},
            hovertemplate=f"{name}<br>day %{{x:+d}}: %{{y:.1f}}<extra></extra>",
        )
    fig.add_vline(x=0, line={"color": MUTED, "dash": "dot", "width": 1})
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.18})
    fig.update_xaxes(title_text=f"Days since {ANCHOR_NAMES[anchor]}", showgrid=True, gridcolor=GRID)
    fig.update_yaxes(title_text=NORM_NAMES[norm], rangemode="tozero")
    return fig
