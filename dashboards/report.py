"""A self-contained static HTML report for one film, from the same figures as the dashboard."""

from __future__ import annotations

import html
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from string import Template

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from dashboards import components, figures, figures_film
from dashboards.data import FilmView, film_filter, film_view
from pipeline import availability
from pipeline.config import Config, Film
from pipeline.stores import Store

TITLE_ROOM = 24  # px of top margin the plot's own title took
TOOLBAR_ROOM = 34  # px kept above the plot for Plotly's toolbar
TOPOJSON = Path(__file__).resolve().with_name("assets") / "topojson" / "world_110m.json"

_CSS = Template("""
/* Fixed grid tracks: each chart's inline script sizes it while the page is still parsing. */
body { margin: 0; background: #f6f7f9; color: $ink; font-family: $font; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { margin: 0 0 4px; font-size: 28px; }
.muted { color: $muted; }
.grid { display: grid; gap: 16px; margin: 16px 0; }
.kpis { grid-template-columns: repeat(3, 1fr); }
.charts-3 { grid-template-columns: repeat(3, 1fr); }
.charts-2 { grid-template-columns: repeat(2, 1fr); }
@media (max-width: 900px) { .kpis, .charts-3, .charts-2 { grid-template-columns: 1fr; } }
.facts { display: flex; gap: 24px; flex-wrap: wrap; margin-top: 8px; }
.card { background: white; border: 1px solid #e5e7eb; border-radius: 10px; padding: 16px 18px;
        min-width: 0; }
.kpi-label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: $muted; }
.kpi-value { font-size: 30px; font-weight: 650; margin-top: 6px; }
.posts { list-style: none; padding: 0; margin: 0; }
.posts li { padding: 12px 0; border-top: 1px solid #e5e7eb; }
.post-meta, .post-foot { font-size: 13px; color: $muted; }
.post-text { margin: 6px 0; white-space: pre-line; overflow-wrap: anywhere; line-height: 1.45; }
a { color: #3b5bdb; text-decoration: none; }
table.watch { border-collapse: collapse; width: 100%; font-size: 14px; }
table.watch th, table.watch td { text-align: left; padding: 6px 8px; border-top: 1px solid #e5e7eb; }
.chart-title { margin: 2px 0 0; font-size: 15px; font-weight: 600; }
""").substitute(ink=figures.INK, muted=figures.MUTED, font=figures.FONT)


def write_report(config: Config, store: Store, film_slug: str, out_path: str | Path) -> Path:
    """Write the report for `film_slug` over all its data; the file appears whole or not at all."""
    film = config.film(film_slug)
    view = film_view(store, config, film_filter(config, film.slug))
    return _write_atomically(Path(out_path), render_report(config, film, view))


def render_report(config: Config, film: Film, view: FilmView) -> str:
    last = pd.to_datetime(view.volume["period"]).max() if len(view.volume) else None
    as_of = availability.as_of(None, last.date() if last is not None else None)
    known = availability.Availability.of(film, view.signals)
    charts = [
        ("mentions", figures.mentions_figure(view.volume, film)),
        ("sentiment", figures.sentiment_figure(view.sentiment)),
        ("aspects", figures_film.aspects_figure(view.aspects)),
        ("intents", figures_film.intents_figure(view.intents)),
        (
            "demand",
            figures_film.demand_map(
                view.demand, known, as_of, availability.audience_share(view.audience)
            ),
        ),
        ("sources", figures.source_figure(view.sources)),
        ("languages", figures.language_figure(view.languages)),
        ("voice", figures.voice_figure(view.voice, config.films, highlight=film.slug)),
        ("pageviews", figures_film.pageviews_figure(view.signals)),
    ]
    parts = {name: _chart(name, figure) for name, figure in charts}
    timezone = config.project.timezone
    title = html.escape(f"{film.title} ({film.year}) · filmbuzz report")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_CSS}</style>
<script>{get_plotlyjs()}</script>
<script>{_geo_assets()}</script>
</head>
<body>
<main>
{_heading(config, film, view)}
{_kpis(view)}
<div class="card">{parts["mentions"]}</div>
<div class="grid charts-2">
<div class="card">{parts["sentiment"]}</div>
<div class="card">{parts["aspects"]}</div>
<div class="card">{parts["intents"]}</div>
<div class="card">{parts["demand"]}</div>
</div>
<div class="grid charts-3">
<div class="card">{parts["sources"]}</div>
<div class="card">{parts["languages"]}</div>
<div class="card">{parts["voice"]}</div>
</div>
<div class="card">{parts["pageviews"]}{_facts(view)}</div>
{where_to_watch(known, datetime.now(UTC).date())}
{_top_posts(view.top_posts, timezone)}
</main>
</body>
</html>
"""


def where_to_watch(known: availability.Availability, today: date) -> str:
    """Per country: release status today, first release, and where it streams or sells
    (TMDB's offers from JustWatch, with their attribution)."""
    rows = []
    for country in sorted(known.countries()):
        first, offers = known.first_release(country), known.latest_offers(country)
        cells = [
            country,
            availability.STATUS_NAMES[known.status(country, today)],
            f"{first.day.isoformat()} ({first.kind}, {first.source})" if first else "",
            availability.providers(offers, availability.HOME_OFFERS),
            availability.providers(offers, availability.PAID_OFFERS),
        ]
        link = known.watch_link(country) if offers else None
        more = _link(link).replace("Open original", "TMDB") if link else ""
        rows.append(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + f"<td>{more}</td></tr>"
        )
    if not rows:
        return ""
    head = "".join(f"<th>{h}</th>" for h in ("Country", "Status today", "First release",
                                              "Streams on", "Rent or buy", ""))  # fmt: skip
    seen = f" Offers as of {max(known.checks).isoformat()}." if known.checks else ""
    return (
        '<div class="card" style="margin-top:16px"><h3>Where to watch</h3>'
        f'<table class="watch"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="muted">{html.escape(availability.ATTRIBUTION + seen)}</p></div>'
    )


def _heading(config: Config, film: Film, view: FilmView) -> str:
    days = pd.to_datetime(view.volume["period"])
    span = f"{days.min():%Y-%m-%d} to {days.max():%Y-%m-%d}" if len(days) else "no posts yet"
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = " · ".join([str(film.year), *film.genres])
    return (
        f"<h1>{html.escape(film.title)}</h1>"
        f'<div class="muted">{html.escape(facts)}</div>'
        f'<div class="muted">{html.escape(config.project.name)} · posts from {span} '
        f"(days in {html.escape(config.project.timezone)}) · generated {made}</div>"
    )


def _kpis(view: FilmView) -> str:
    days = f"on {len(view.volume):,} days with posts"
    cards = [
        _kpi("Mentions", components.count(view.mentions), days),
        _kpi(
            "Net sentiment",
            components.signed_percent(view.net),
            "positive minus negative share",
            components.net_color(view.net),
        ),
        _kpi("Share of voice", components.percent(view.share), "of posts about tracked films"),
    ]
    return '<div class="grid kpis">' + "".join(cards) + "</div>"


def _facts(view: FilmView) -> str:
    facts = figures_film.signal_facts(view.signals)
    cells = "".join(
        f'<div><div class="kpi-label">{html.escape(label)}</div><strong>{html.escape(value)}</strong></div>'
        for label, value in facts
    )
    return f'<div class="facts">{cells}</div>' if cells else ""


def _geo_assets() -> str:
    # Plotly reads maps from window.PlotlyGeoAssets before the network: the report stays offline.
    world = TOPOJSON.read_text(encoding="utf-8")
    return f"window.PlotlyGeoAssets = {{topojson: {{world_110m: {world}}}}};"


def _kpi(label: str, value: str, note: str, color: str = figures.INK) -> str:
    return (
        f'<div class="card"><div class="kpi-label">{html.escape(label)}</div>'
        f'<div class="kpi-value" style="color:{color}">{html.escape(value)}</div>'
        f'<div class="muted">{html.escape(note)}</div></div>'
    )


def _chart(name: str, figure: go.Figure) -> str:
    """The chart under its title as an HTML heading: Plotly's toolbar, which shows at the top
    right of the plot, then covers nothing but the room left for it."""
    title = str(figure.layout.title.text or "")
    top = figure.layout.margin.t if figure.layout.margin.t is not None else 56
    figure = go.Figure(figure).update_layout(
        title_text=None, margin_t=max(top - TITLE_ROOM, TOOLBAR_ROOM)
    )
    chart = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{name}",
        config={"displaylogo": False, "responsive": True},
    )
    return f'<h3 class="chart-title">{html.escape(title)}</h3>{chart}'


def _top_posts(frame: pd.DataFrame, timezone: str) -> str:
    items = "".join(_post(row, timezone) for row in frame.to_dict("records"))
    body = (
        f'<ol class="posts">{items}</ol>' if items else f'<p class="muted">{figures.NO_POSTS}</p>'
    )
    return f'<div class="card" style="margin-top:16px"><h3>Top posts</h3>{body}</div>'


def _post(row: dict[str, object], timezone: str) -> str:
    label = figures.SENTIMENT_NAMES.get(components.plain(row.get("sentiment_label")), "")
    when = components.format_when(row.get("published_at"), timezone)
    meta = " · ".join(part for part in (components.plain(row.get("source")), when, label) if part)
    title = components.plain(row.get("title"))
    author = components.plain(row.get("author"))
    text = components.shorten(components.plain(row.get("text")))
    return (
        f'<li><div class="post-meta">{html.escape(meta)}</div>'
        + (f"<strong>{html.escape(title)}</strong>" if title else "")
        + f'<p class="post-text">{html.escape(text)}</p>'
        + f'<div class="post-foot">{html.escape(f"by {author}" if author else "")} '
        + f"{_link(row.get('url'))}</div></li>"
    )


def _link(url: object) -> str:
    href = components.safe_href(url)
    if not href:
        return ""
    return (
        f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">'
        "Open original ↗</a>"
    )


def _write_atomically(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private; a report is meant to be shared.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
