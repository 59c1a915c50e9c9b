"""The dashboard in a real headless Chromium: charts render, filters work, posts stay inert."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pytest
from werkzeug.serving import make_server

from dashboards import ids
from dashboards.app import create_app
from pipeline.config import Config, parse_config
from pipeline.records import POST_SCHEMA
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import enriched_post

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium to run", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAYLOAD = "<script>window.__pwned=1</script>"
TITLE_PAYLOAD = '<img src=x onerror="window.__pwned=2">'
LINK_PAYLOAD = '<a href="javascript:window.__pwned=3">click me</a>'
SLUG = "red-rooms"
PAGES = {
    "/": f"#{ids.VOICE_GRAPH} .main-svg",
    f"/film/{SLUG}": f"#{ids.DEMAND_MAP} .main-svg",
    "/compare": f"#{ids.COMPARE_GRAPH} .main-svg",
    "/posts": f"#{ids.POSTS_LIST} li.post",
}


def enriched_row(n: int, day: str, source: str = "mastodon", **overrides: Any) -> dict[str, Any]:
    """A post about red-rooms (by default) published at 15:00 UTC on `day`."""
    return enriched_post(
        n,
        film=overrides.pop("film", SLUG),
        published=datetime.fromisoformat(f"{day}T15:00:00+00:00"),
        source=source,
        label=("pos", "neg", "neu")[n % 3],
        **{"likes": n, **overrides},
    )


def rows() -> list[dict[str, Any]]:
    return [
        enriched_row(1, "2023-07-03"),
        enriched_row(2, "2023-07-04"),
        enriched_row(3, "2023-07-04", "letterboxd"),
        enriched_row(4, "2023-07-06", "letterboxd"),
        enriched_row(5, "2023-07-09"),
        enriched_row(6, "2023-07-04", "mastodon", film="monster"),
        enriched_row(7, "2023-07-06", text=PAYLOAD, url="javascript:alert(1)", likes=500),
        enriched_row(
            8,
            "2023-07-05",
            "letterboxd",
            title=TITLE_PAYLOAD,
            text=LINK_PAYLOAD,
            intents=["piracy"],
            country="FR",
        ),
    ]


def config_in(folder: Path) -> Config:
    raw = {
        "project": {
            "name": "Browser test",
            "contact": "test@example.org",
            "timezone": "America/Montreal",
        },
        "store": {"path": str(folder / "data")},
        "films": [
            {
                "slug": SLUG,
                "title": "Red Rooms",
                "year": 2023,
                "events": [{"date": "2023-07-04", "kind": "festival", "label": "Karlovy Vary"}],
            },
            {"slug": "monster", "title": "Monster", "year": 2023},
        ],
    }
    return parse_config(raw, folder / "filmbuzz.toml")


@dataclass
class Site:
    url: str
    posts: list[dict[str, Any]]

    def about(self, slug: str, sources: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return [
            p for p in self.posts if slug in p["about"] and (not sources or p["source"] in sources)
        ]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    config = config_in(tmp_path_factory.mktemp("dashboard"))
    posts = rows()
    store = EmbeddedStore(config.data_dir / "store.duckdb")
    store.write_posts(pa.Table.from_pylist(posts, schema=POST_SCHEMA))
    store.close()
    server = make_server("127.0.0.1", 0, create_app(config).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", posts)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    # One context for the module: the app's scripts are fetched once and then cached.
    shared = browser.new_context(viewport={"width": 1280, "height": 900})
    yield shared
    shared.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    tab.close()


@pytest.fixture
def errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, collected as they happen."""
    seen: list[str] = []
    page.on(
        "console", lambda message: seen.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def open_film(page: Page, site: Site, query: str = "", slug: str = SLUG) -> None:
    page.goto(f"{site.url}/film/{slug}{query}")
    page.wait_for_selector(f"#{ids.MENTIONS_GRAPH} .js-plotly-plot .main-svg")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9")


_BARS = f"document.querySelector('#{ids.MENTIONS_GRAPH} .js-plotly-plot')._fullData[0].y"


def mentions_bars(page: Page) -> int:
    """Bars with posts (days without posts are drawn as 0, from the first post to the last)."""
    return int(page.evaluate(f"() => Array.from({_BARS}).filter(y => y > 0).length"))


def kpi(page: Page, index: int) -> str:
    return str(page.locator(f"#{ids.KPIS} .kpi-value").nth(index).inner_text())


def wait_for_kpi(page: Page, text: str) -> None:
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.innerText === text",
        arg=[f"#{ids.KPIS} .kpi-value", text],
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_load_without_console_errors(
    page: Page, site: Site, errors: list[str], path: str
) -> None:
    page.goto(site.url + path)
    page.wait_for_selector(PAGES[path])
    page.wait_for_timeout(300)  # late errors (a map's topojson, a failed callback) surface here
    assert errors == []


def test_film_page_renders_one_bar_per_day_with_posts(
    page: Page, site: Site, errors: list[str]
) -> None:
    open_film(page, site)
    posts = site.about(SLUG)
    days = {p["published_at"].date() for p in posts}
    assert mentions_bars(page) == len(days)
    span = (max(days) - min(days)).days + 1
    assert page.evaluate(f"() => {_BARS}.length") == span  # the days between at 0
    assert kpi(page, 0) == str(len(posts))
    assert page.locator(f"#{ids.MENTIONS_GRAPH} .shapelayer path").count() == 1
    assert page.locator(f"#{ids.TOP_POSTS} li.post").count() == len(posts)
    assert errors == []


@pytest.mark.parametrize("path", [f"/film/{SLUG}", "/posts"])
def test_post_payloads_stay_inert(page: Page, site: Site, errors: list[str], path: str) -> None:
    page.goto(site.url + path)
    page.wait_for_selector("li.post")
    for payload in (PAYLOAD, LINK_PAYLOAD):  # a post may show in several lists of the page
        shown = page.locator(".post-text", has_text=payload)
        assert shown.count() >= 1
        assert set(shown.all_inner_texts()) == {payload}
    assert page.get_by_text(TITLE_PAYLOAD, exact=True).count() >= 1
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("li.post img, li.post script").count() == 0
    hrefs = page.locator("li.post a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert errors == []


def test_film_page_source_filter_updates_charts_and_url(
    page: Page, site: Site, errors: list[str]
) -> None:
    open_film(page, site)
    page.get_by_label("letterboxd").uncheck()
    remaining = site.about(SLUG, sources=("mastodon",))
    wait_for_kpi(page, str(len(remaining)))
    days = {p["published_at"].date() for p in remaining}
    page.wait_for_function(
        f"(n) => Array.from({_BARS}).filter(y => y > 0).length === n", arg=len(days)
    )
    assert page.locator(f"#{ids.TOP_POSTS} li.post").count() == len(remaining)
    assert page.url.endswith(f"/film/{SLUG}?source=mastodon")
    assert errors == []


@pytest.mark.parametrize(
    ("query", "sources"),
    [("?from=2023-07-04&to=2023-07-06", ()), ("?source=letterboxd", ("letterboxd",))],
    ids=["dates", "source"],
)
def test_film_page_url_restores_the_view(
    page: Page, site: Site, errors: list[str], query: str, sources: tuple[str, ...]
) -> None:
    open_film(page, site, query)
    expected = site.about(SLUG, sources)
    if "from" in query:
        expected = [
            p
            for p in expected
            if "2023-07-04" <= p["published_at"].date().isoformat() <= "2023-07-06"
        ]
    assert kpi(page, 0) == str(len(expected))
    assert mentions_bars(page) == len({p["published_at"].date() for p in expected})
    if sources:
        assert page.get_by_label("mastodon").is_checked() is False
        assert page.get_by_label("letterboxd").is_checked() is True
    assert errors == []


def test_posts_page_search_goes_into_the_url(page: Page, site: Site, errors: list[str]) -> None:
    page.goto(f"{site.url}/posts")
    page.wait_for_selector(f"#{ids.POSTS_LIST} li.post")
    assert page.locator(f"#{ids.POSTS_LIST} li.post").count() == len(site.posts)
    box = page.get_by_placeholder("Words, all required (press Enter)")
    box.fill("click")
    box.press("Enter")
    page.wait_for_function("() => location.search === '?q=click'")
    page.wait_for_function(
        "([selector]) => document.querySelectorAll(selector).length === 1",
        arg=[f"#{ids.POSTS_LIST} li.post"],
    )
    assert errors == []


def test_compare_page_alignment_changes_chart_and_url(
    page: Page, site: Site, errors: list[str]
) -> None:
    page.goto(f"{site.url}/compare")
    page.wait_for_selector(f"#{ids.COMPARE_GRAPH} .main-svg")
    assert "since premiere" in str(page.locator(f"#{ids.COMPARE_GRAPH} .gtitle").text_content())
    page.get_by_label("First release").check()
    page.wait_for_url(re.compile(r"/compare\?.*align=release"))
    page.wait_for_function(
        "([selector]) => document.querySelector(selector)?.textContent.includes('first release')",
        arg=[f"#{ids.COMPARE_GRAPH} .gtitle"],
    )
    assert errors == []


def test_overview_links_every_film_keeping_filters(
    page: Page, site: Site, errors: list[str]
) -> None:
    page.goto(f"{site.url}/?source=mastodon")
    page.wait_for_selector(f"#{ids.VOICE_GRAPH} .main-svg")
    cards = page.locator(f"#{ids.FILM_CARDS} a.film-card")
    assert cards.evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        f"/film/{SLUG}?source=mastodon",
        "/film/monster?source=mastodon",
    ]
    assert page.locator(f"#{ids.CRAWL_HEALTH}").count() == 1
    cards.first.click()
    page.wait_for_selector(f"#{ids.MENTIONS_GRAPH} .main-svg")
    assert page.url.endswith(f"/film/{SLUG}?source=mastodon")
    assert kpi(page, 0) == str(len(site.about(SLUG, ("mastodon",))))
    assert errors == []


def test_overview_date_box_agrees_with_its_heading(
    page: Page, site: Site, errors: list[str]
) -> None:
    page.goto(f"{site.url}/")
    page.wait_for_selector(f"#{ids.VOICE_GRAPH} .main-svg")
    heading = page.locator(f"#{ids.PERIOD}").inner_text()
    boxes = page.locator(".filter-bar .dash-datepicker-input").evaluate_all(
        "i => i.map(x => x.value)"
    )
    # The last 28 days with data: 12 Jun to 09 Jul 2023.
    assert boxes == ["2023-06-12", "2023-07-09"]
    assert "12 Jun 2023 to 09 Jul 2023" in heading
    assert errors == []


def test_unknown_film_says_so(page: Page, site: Site, errors: list[str]) -> None:
    page.goto(f"{site.url}/film/nope")
    page.wait_for_selector(".notice")
    assert "No tracked film" in page.locator(".notice").inner_text()
    assert errors == []


def test_plotly_loads_while_the_server_builds_the_first_page(browser: Browser, site: Site) -> None:
    """plotly.js is asked for while no callback has been answered (they are held here until
    then), once, and the charts then draw with it."""
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = fresh.new_page()
    tab.set_default_timeout(15_000)
    held: list[Any] = []
    plotly: list[str] = []
    answered: list[str] = []

    def hold(route: Any) -> None:
        held.append(route)

    def seen(request: Any) -> None:
        if "/plotly.min.js" in request.url:
            plotly.append(request.url)

    def answer(response: Any) -> None:
        if "_dash-update-component" in response.url:
            answered.append(response.url)

    tab.route("**/_dash-update-component*", hold)
    tab.on("request", seen)
    tab.on("response", answer)
    try:
        tab.goto(f"{site.url}/film/{SLUG}")
        if not plotly:
            tab.wait_for_event("request", lambda request: "/plotly.min.js" in request.url)
        assert answered == []
        for _ in range(1000):  # the route handler runs on a later turn of playwright's loop
            if held:
                break
            tab.wait_for_timeout(20)
        for route in held:
            route.continue_()
        tab.unroute("**/_dash-update-component*")
        tab.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9")
        assert len(plotly) == 1
    finally:
        fresh.close()
