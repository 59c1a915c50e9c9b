"""The Dash app: `create_app(config)`, `serve(...)`, and a lazy `server` for gunicorn.

gunicorn -w 4 'dashboards.app:server'      # config from $FILMBUZZ_CONFIG (default filmbuzz.toml)
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from string import Template
from typing import Any

import dash
from dash import dcc, html
from flask import Flask

from dashboards.data import CONFIG_KEY, CONFIG_PATH_KEY
from dashboards.figures import FONT, INK
from dashboards.filterbar import NAV
from pipeline.config import Config, load_config

PAGES_FOLDER = Path(__file__).resolve().with_name("pages")
CONFIG_ENV = "FILMBUZZ_CONFIG"

_INDEX = Template("""<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
<style>
  body { margin: 0; background: #f6f7f9; font-family: $font; color: $ink; }
  .film-tile { transition: box-shadow .15s ease, border-color .15s ease; }
  .film-tile:hover { border-color: #bac8ff; box-shadow: 0 4px 12px rgba(16, 24, 40, .08); }
  .post-link:hover { text-decoration: underline !important; }
  .pager a { color: #3b5bdb; text-decoration: none; font-weight: 500; }
  .health td, .health th { padding: 6px 10px; text-align: left; border-top: 1px solid #e5e7eb; }
  .health th { font-size: 12px; color: #6b7280; font-weight: 500; border-top: none; }
</style>
</head>
<body>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>
""").substitute(font=FONT, ink=INK)


def create_app(config: Config) -> dash.Dash:
    """A Dash app for `config`; pages reach the config with `dashboards.data.current_config()`.

    One app per process: Dash pages register their callbacks globally, and the app that serves
    the first request takes them (gunicorn workers and the CLI each build exactly one).
    """
    app = dash.Dash(
        # The package's name, so Dash loads the pages as `dashboards.pages.<page>`.
        "dashboards",
        use_pages=True,
        pages_folder=str(PAGES_FOLDER),
        title="filmbuzz",
        update_title="",
        # Page components exist only while their page is shown.
        suppress_callback_exceptions=True,
        index_string=_INDEX,
    )
    app.server.config[CONFIG_KEY] = config
    app.server.config[CONFIG_PATH_KEY] = str(config.path)
    app.layout = _shell(config)
    return app


def serve(config: Config, host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    create_app(config).run(host=host, port=port, debug=debug)


def _shell(config: Config) -> html.Div:
    pages = [("Overview", "/"), ("Compare", "/compare"), ("Posts", "/posts")]
    # With many films the overview's cards are the way in; a few fit in the bar.
    films = [(f.title, f"/film/{f.slug}") for f in config.films] if len(config.films) <= 5 else []
    links: list[Any] = [_nav_link(label, href) for label, href in pages]
    if films:
        links.append(html.Span("|", style={"color": "#5c6f99"}))
        links += [_nav_link(label, href) for label, href in films]
    bar = html.Header(
        html.Nav(
            [
                dcc.Link(
                    "filmbuzz",
                    href="/",
                    style={
                        "fontWeight": 700,
                        "fontSize": "18px",
                        "color": "white",
                        "textDecoration": "none",
                    },
                ),
                html.Div(links, style={"display": "flex", "gap": "18px", "flexWrap": "wrap"}),
            ],
            style={
                "maxWidth": "1240px",
                "margin": "0 auto",
                "padding": "14px 24px",
                "display": "flex",
                "alignItems": "center",
                "gap": "32px",
            },
        ),
        style={"background": "#1b2b4b"},
    )
    return html.Div([bar, dash.page_container])


def _nav_link(label: str, href: str) -> dcc.Link:
    return dcc.Link(
        label,
        id={"type": NAV, "key": href},
        href=href,
        style={"color": "#dbe4ff", "textDecoration": "none"},
    )


@functools.cache
def _lazy_server() -> Flask:
    config = load_config(os.environ.get(CONFIG_ENV, "filmbuzz.toml"))
    return create_app(config).server  # type: ignore[no-any-return]


def __getattr__(name: str) -> Any:
    # `gunicorn dashboards.app:server` reads the attribute; the config is loaded only then.
    if name == "server":
        return _lazy_server()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CONFIG_ENV", "PAGES_FOLDER", "create_app", "serve"]
