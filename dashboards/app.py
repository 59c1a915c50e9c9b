"""The Dash app: `create_app(config)`, `bind(...)` for the CLI, and a lazy `server` for gunicorn.

gunicorn -w 4 'dashboards.app:server'      # config from $FILMBUZZ_CONFIG (default filmbuzz.toml)

The gunicorn `server` always asks for sign-in (it cannot know the address it is bound to);
`filmbuzz dashboard` asks for it on any address but loopback (dashboards/auth.py).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from string import Template
from typing import Any

import dash
from dash import _callback, dcc, html
from flask import Flask, Response, abort
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import BaseWSGIServer, make_server

from dashboards.auth import SIGN_OUT, is_loopback, require_sign_in, session_secret, sign_in_users
from dashboards.data import CONFIG_KEY, CONFIG_PATH_KEY
from dashboards.errors import DashboardError
from dashboards.figures import FONT, INK
from dashboards.filterbar import NAV
from pipeline.config import Config, load_config
from pipeline.errors import ConfigError

PAGES_FOLDER = Path(__file__).resolve().with_name("pages")
CONFIG_ENV = "FILMBUZZ_CONFIG"
PROXIES_ENV = "FILMBUZZ_DASHBOARD_PROXIES"  # how many reverse proxies stand in front

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


def create_app(
    config: Config, sign_in: bool = False, env: Mapping[str, str] | None = None
) -> dash.Dash:
    """A Dash app for `config`; pages reach the config with `dashboards.data.current_config()`.

    With `sign_in`, every route needs a session (users and secret from `env`, default the
    process environment); without one the app serves anyone who reaches it.

    Dash pages register their callbacks globally, once per process, and the first app that
    serves takes them all; `_share_page_callbacks` hands them to every app built here (the
    CLI and gunicorn workers build one, tests and benchmarks several).
    """
    env = os.environ if env is None else env
    # Users first: a refusal builds no app (Dash registers page callbacks once per process).
    users = sign_in_users(env) if sign_in else {}
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
    _share_page_callbacks()
    server: Flask = app.server
    server.config[CONFIG_KEY] = config
    server.config[CONFIG_PATH_KEY] = str(config.path)
    if sign_in:
        require_sign_in(server, users, session_secret(env, config.data_dir))
    _behind_proxies(server, env)
    server.add_url_rule("/report/<slug>.html", "filmbuzz_report", _report)
    app.layout = _shell(config, sign_in)
    return app


# Every callback registered with `dash.callback` in this process: map, API paths, list, scripts.
_PAGE_CALLBACKS: tuple[dict[str, Any], dict[str, Any], list[Any], list[Any]] = ({}, {}, [], [])


def _share_page_callbacks() -> None:
    """The pages' callbacks back into Dash's global registry, for the app just built to take
    when it serves (the registry is emptied by the first app that serves)."""
    kept_map, kept_paths, kept_list, kept_scripts = _PAGE_CALLBACKS
    for held, kept in ((_callback.GLOBAL_CALLBACK_MAP, kept_map),
                       (_callback.GLOBAL_API_PATHS, kept_paths)):  # fmt: skip
        kept.update(held)
        held.update(kept)
    for items, saved in ((_callback.GLOBAL_CALLBACK_LIST, kept_list),
                         (_callback.GLOBAL_INLINE_SCRIPTS, kept_scripts)):  # fmt: skip
        saved.extend(x for x in items if x not in saved)
        items[:] = saved


def _behind_proxies(server: Flask, env: Mapping[str, str]) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from that many proxies (ProxyFix), so redirects
    follow the address the browser used. Serve the dashboards at the root of a host name."""
    value = env.get(PROXIES_ENV, "").strip()
    if not value:
        return
    if not value.isdigit() or int(value) < 1:
        raise DashboardError(f"{PROXIES_ENV}: {value!r} is not a number of proxies like 1")
    hops = int(value)
    server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
    )


def _report(slug: str) -> Response:
    """The film's self-contained HTML report, built from the store now."""
    from dashboards.data import current_config, film_filter, film_view, reading
    from dashboards.report import render_report

    config = current_config()
    try:
        film = config.film(slug)
    except ConfigError:
        abort(404)
    with reading(config) as store:
        page = render_report(config, film, film_view(store, config, film_filter(config, slug)))
    response = Response(page, mimetype="text/html")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}.html"'
    return response


def bind(
    config: Config, host: str = "127.0.0.1", port: int = 8050, verbose: bool = False
) -> BaseWSGIServer:
    """The dashboards' server, bound and listening (serve with `.serve_forever()`); sign-in on
    any address but loopback. No users for it, a taken port or a bad address: one
    DashboardError line, before anything is built."""
    sign_in = not is_loopback(host)
    if sign_in:
        sign_in_users(os.environ)
    listener = _listen(host, port)
    # werkzeug logs every request at INFO: only with --verbose.
    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.WARNING)
    try:  # werkzeug takes a duplicate of the bound socket
        app = create_app(config, sign_in=sign_in)
        return make_server(host, port, app.server, threaded=True, fd=listener.fileno())
    finally:
        listener.close()


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise DashboardError(f"--host {host}: not an address of this machine ({exc})") from None
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise DashboardError(
            f"cannot listen on {host}:{port}: {exc.strerror}; "
            "is another dashboard running there? give another --port"
        ) from None
    return listener


def _shell(config: Config, sign_in: bool = False) -> html.Div:
    pages = [("Overview", "/"), ("Compare", "/compare"), ("Posts", "/posts")]
    # With many films the overview's cards are the way in; a few fit in the bar.
    films = [(f.title, f"/film/{f.slug}") for f in config.films] if len(config.films) <= 5 else []
    links: list[Any] = [_nav_link(label, href) for label, href in pages]
    if films:
        links.append(html.Span("|", style={"color": "#5c6f99"}))
        links += [_nav_link(label, href) for label, href in films]
    if sign_in:  # a plain link: signing out leaves the Dash app
        links.append(
            html.A("Sign out", href=SIGN_OUT, style={"color": "#dbe4ff", "textDecoration": "none"})
        )
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
    return create_app(config, sign_in=True).server  # type: ignore[no-any-return]


def __getattr__(name: str) -> Any:
    # `gunicorn dashboards.app:server` reads the attribute; the config is loaded only then.
    if name == "server":
        return _lazy_server()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CONFIG_ENV", "PAGES_FOLDER", "bind", "create_app"]
