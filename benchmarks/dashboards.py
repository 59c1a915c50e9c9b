"""Time to load each dashboard page with 1M posts in the embedded store (target: 1.5 s).

    python -m benchmarks.dashboards --posts 1000000 [--store /tmp/filmbuzz-bench-dash] [--no-browser]

Two numbers per page, both with the data cache emptied first (a cold load; the store stays
open between requests, as in a served app, and the first request's time is printed apart):
- server: the page's layout function (every Store query and figure) plus its JSON encoding,
  which is what Dash's page router does for a request (the film page's panels, why it moved
  and who carries the buzz, are part of its layout);
- browser: headless Chromium, from navigation to every chart drawn and every panel in (the
  app's scripts already in the browser cache, as for any second visit).
The store is built once in --store and reused while it holds the asked number of posts.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dash
import plotly
from werkzeug.serving import make_server

from benchmarks.synthetic import films, posts
from dashboards import data
from dashboards.app import create_app
from pipeline.config import Config, parse_config
from pipeline.stores.embedded import EmbeddedStore

CHUNK = 100_000
ZONE = "America/Montreal"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def config_for(folder: Path, tracked: int) -> Config:
    entries = []
    for index, slug in enumerate(films(tracked)):
        premiere = date(2024, 2, 1) + timedelta(days=17 * index)
        entries.append(
            {
                "slug": slug,
                "title": f"Film {index:03d}",
                "year": 2024,
                "events": [{"date": premiere.isoformat(), "kind": "festival", "label": "Premiere"}],
                "releases": [
                    {
                        "country": "US",
                        "date": (premiere + timedelta(days=90)).isoformat(),
                        "kind": "theatrical",
                    }
                ],
            }
        )
    raw = {
        "project": {"name": "Benchmark", "contact": "bench@example.org", "timezone": ZONE},
        "store": {"path": str(folder)},
        "films": entries,
    }
    return parse_config(raw, folder / "filmbuzz.toml")


def ensure_store(config: Config, count: int) -> None:
    path = config.data_dir / "store.duckdb"
    if path.exists():
        store = EmbeddedStore(path, read_only=True)
        held = store.post_count()
        store.close()
        if held == count:
            return
        path.unlink()
    table = posts(count)
    store = EmbeddedStore(path)
    started = time.perf_counter()
    for offset in range(0, count, CHUNK):
        store.write_posts(table.slice(offset, CHUNK))
    store.close()
    print(f"indexed {count:,} posts in {time.perf_counter() - started:.1f} s")


def pages(config: Config) -> dict[str, str]:
    slug = config.films[0].slug
    return {
        "overview": "/",
        "film": f"/film/{slug}",
        "film (filtered)": f"/film/{slug}?from=2024-03-01&to=2024-05-31&source=mastodon,reddit&lang=en",
        "compare": "/compare",
        "posts": "/posts",
        "posts (search)": f"/posts?q=torrent&film={slug}&page=3",
        "posts (piracy, FR)": f"/posts?film={slug}&intent=piracy&country=FR",
        "film (explain a day)": f"/film/{slug}?why=2024-03-12&authors_by=reach",
    }


def server_time(app: dash.Dash, path: str) -> float:
    """Seconds for a cold render of `path`'s layout, as Dash's page router does it."""
    data.clear_cache()
    started = time.perf_counter()
    render(app, path)
    return time.perf_counter() - started


def render(app: dash.Dash, path: str) -> str:
    """`path`'s layout as the JSON Dash's page router sends (from the data cache, if warm)."""
    route, _, search = path.partition("?")
    query = dict(part.split("=", 1) for part in search.split("&") if part)
    page = next(p for p in dash.page_registry.values() if _matches(p, route))
    kwargs: dict[str, Any] = {**query}
    if "<slug>" in (page.get("path_template") or ""):
        kwargs["slug"] = route.rsplit("/", 1)[-1]
    with app.server.test_request_context(path):
        layout = page["layout"](**kwargs)
        return json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder)


def _matches(page: dict[str, Any], route: str) -> bool:
    template = page.get("path_template")
    if template:
        return route.startswith(template.split("<", 1)[0])
    return bool(page["path"] == route)


@contextmanager
def serving(app: dash.Dash) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def browser_times(app: dash.Dash, paths: dict[str, str], rounds: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    result: dict[str, float] = {}
    with serving(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        tab.set_default_timeout(60_000)
        for warm in ("/posts", "/compare"):  # the scripts (plotly.js too) into the browser cache
            tab.goto(url + warm)
            tab.wait_for_function(_RENDERED)
        for name, path in paths.items():
            times = []
            for _ in range(rounds):
                data.clear_cache()
                started = time.perf_counter()
                tab.goto(url + path)
                tab.wait_for_function(_RENDERED)
                times.append(time.perf_counter() - started)
            result[name] = statistics.median(times)
        browser.close()
    return result


# Rendered: the page's content is in (its panels, why it moved and who carries the buzz, with
# it), every graph on it has drawn its SVG and every map its countries.
_RENDERED = """() => {
  const content = document.querySelector('#_pages_content');
  if (!content || !content.querySelector('h1')) return false;
  const graphs = content.querySelectorAll('.dash-graph');
  const maps = content.querySelectorAll('.geo');  // drawn once the world's shapes are in
  return [...graphs].every(g => g.querySelector('.main-svg'))
    && [...maps].every(m => m.querySelector('.layer.land path'));
}"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--tracked", type=int, default=12, help="films in the config")
    parser.add_argument("--store", type=Path, default=Path("/tmp/filmbuzz-bench-dash"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    config = config_for(args.store.resolve(), args.tracked)
    ensure_store(config, args.posts)
    app = create_app(config)
    paths = pages(config)
    # The app keeps the store open between requests; its first request opens it.
    first = server_time(app, paths["film"])
    server = {
        name: statistics.median(server_time(app, p) for _ in range(args.rounds))
        for name, p in paths.items()
    }
    browser = {} if args.no_browser else browser_times(app, paths, args.rounds)
    print(f"{args.posts:,} posts, {args.tracked} tracked films; median of {args.rounds} cold loads")
    print(f"{'page':<18} {'server':>8} {'browser':>8}")
    for name in paths:
        shown = f"{browser[name]:.2f} s" if name in browser else "—"
        print(f"{name:<18} {server[name]:>6.2f} s {shown:>8}")
    print(f"film, the app's first request (opens the store): {first:.2f} s server")


if __name__ == "__main__":
    main()
