"""The README's screenshots, taken with Playwright (headless Chromium) on the demo's data.

filmbuzz demo --out filmbuzz-demo --no-serve
python docs/screenshots.py --demo filmbuzz-demo --out docs/img
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from dashboards import ids
from dashboards.app import create_app
from pipeline.config import load_config

CHROMIUM = "/usr/bin/chromium"
FILM = "red-rooms"
SPIKE = "2023-08-11"  # the demo's Québec release
READY = """() => {
  const content = document.querySelector('#_pages_content');
  if (!content || !content.querySelector('h1') || content.querySelector('.pending')) return false;
  return [...content.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'));
}"""


@contextmanager
def serving(demo: Path) -> Iterator[str]:
    app = create_app(load_config(demo / "filmbuzz.toml"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def show(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(READY)
    page.wait_for_timeout(500)  # let transitions and fonts settle before the picture


def shoot(url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        page.set_default_timeout(60_000)
        show(page, f"{url}/film/{FILM}")
        shots.append(out / "film-page.png")
        page.screenshot(path=shots[-1])
        show(page, f"{url}/film/{FILM}?why={SPIKE}")
        panel = page.locator(f"#{ids.WHY}").locator("xpath=..")
        shots.append(out / "why-it-moved.png")
        panel.screenshot(path=shots[-1])
        page.set_viewport_size({"width": 1280, "height": 1100})
        show(page, f"{url}/posts?film={FILM}&intent=piracy")
        shots.append(out / "posts-view.png")
        page.screenshot(path=shots[-1])
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo", type=Path, default=Path("filmbuzz-demo"))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().with_name("img"))
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with serving(args.demo.resolve()) as url:
        for path in shoot(url, args.out):
            print(path)


if __name__ == "__main__":
    main()
