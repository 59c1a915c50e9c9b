"""Click-through in a real browser: every chart leads to exactly the posts it counts."""

# ruff: noqa: F811 — the browser fixtures are imported from test_dashboard_browser

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pytest
from werkzeug.serving import make_server

from dashboards import ids
from dashboards.app import create_app
from pipeline.config import Config
from pipeline.exports.tables import POST_COLUMNS
from pipeline.records import POST_SCHEMA
from pipeline.stages.sources import record_runs
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import SPIKE_DAY, SPIKE_PHRASE, enriched_post, planted_spike
from tests.test_dashboard_browser import browser, config_in, context, errors, page  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
SLUG = "red-rooms"
DEMAND = {"where_to_watch", "piracy", "want_to_see"}


def rows() -> list[dict[str, Any]]:
    others = [
        enriched_post(
            5000 + i, film="monster", published=pd_day(f"2023-07-0{1 + i}"), text="Monster again"
        )
        for i in range(4)
    ]
    return planted_spike(SLUG) + others


def pd_day(day: str) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(f"{day}T16:00:00").replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    config: Config = config_in(tmp_path_factory.mktemp("drill"))
    mastodon = config.sources.mastodon.model_copy(update={"enabled": True})
    config = config.model_copy(
        update={"sources": config.sources.model_copy(update={"mastodon": mastodon})}
    )
    posts = rows()
    store = EmbeddedStore(config.data_dir / "store.duckdb")
    store.write_posts(pa.Table.from_pylist(posts, schema=POST_SCHEMA))
    store.close()
    # Mastodon's crawls have failed since 8 July: its days after that have no data, not 0 posts.
    record_runs(config.data_dir / "state", {"mastodon": {"posts": 5, "errors": 0}}, {})
    status = config.data_dir / "state" / "sources.json"
    runs = json.loads(status.read_text(encoding="utf-8"))
    runs["mastodon"] |= {"status": "failed", "last_success": "2023-07-08T06:00:00+00:00"}
    status.write_text(json.dumps(runs), encoding="utf-8")
    server = make_server("127.0.0.1", 0, create_app(config).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", posts
    finally:
        server.shutdown()
        thread.join(timeout=10)


def film_posts(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in posts if SLUG in p["about"]]


def open_film(page: Page, url: str, query: str = "") -> None:
    page.goto(f"{url}/film/{SLUG}{query}")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9")


# Per trace and point of a graph: the number the point shows and the link it carries.
_POINTS = """(graph) => {
  const gd = document.querySelector(`#${graph} .js-plotly-plot`);
  return gd._fullData.flatMap((trace, t) => (trace.customdata || []).map((data, i) => {
    const link = Array.isArray(data) ? data[data.length - 1] : data;
    let value = Array.isArray(data) ? data[0] : (trace.y ? Number(trace.y[i]) : null);
    if (trace.type === 'scattergeo' || trace.type === 'choropleth') {
      value = Number((trace.text[i].match(/Posts asking: (\\d+)/) || [])[1]);
    }
    const nth = gd._fullData.slice(0, t).filter(other => other.type === trace.type).length;
    return {trace: nth, index: i, type: trace.type, value: value, link: link};
  }));
}"""


def busiest(page: Page, graph: str, **where: Any) -> dict[str, Any]:
    points = page.evaluate(_POINTS, graph)
    chosen = [p for p in points if all(p[k] == v for k, v in where.items()) and p["link"]]
    return max(chosen, key=lambda p: p["value"])


def click(page: Page, graph: str, point: dict[str, Any]) -> int:
    """Click the point, wait for the Posts view, return the count it shows."""
    layer = {
        "bar": ".barlayer .trace",
        "scatter": ".scatterlayer .trace",
        "scattergeo": ".trace.scattergeo",
    }
    trace = page.locator(f"#{graph} {layer[point['type']]}").nth(point["trace"])
    trace.locator(".point").nth(point["index"]).click(force=True)
    page.wait_for_url("**/posts?**")
    page.wait_for_selector(f"#{ids.POSTS_TOTAL}")
    return int(page.locator(f"#{ids.POSTS_TOTAL}").inner_text().replace(",", ""))


def test_mentions_bar_map_country_and_intent_point_open_their_posts(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
) -> None:
    url, posts = site
    open_film(page, url)
    bar = busiest(page, ids.MENTIONS_GRAPH)
    on_spike = [p for p in film_posts(posts) if p["published_at"].date() == SPIKE_DAY]
    assert bar["value"] == len(on_spike)
    assert click(page, ids.MENTIONS_GRAPH, bar) == bar["value"]
    assert "from=2023-07-05&to=2023-07-05" in page.url

    open_film(page, url)
    country = busiest(page, ids.DEMAND_MAP, type="scattergeo")
    code = country["link"].split("country=")[1][:2]
    asking = [p for p in film_posts(posts) if p["country"] == code and DEMAND & set(p["intents"])]
    assert country["value"] == len(asking)
    assert click(page, ids.DEMAND_MAP, country) == len(asking)

    open_film(page, url)
    point = busiest(page, ids.INTENTS_GRAPH)
    assert "intent=piracy" in point["link"]
    assert click(page, ids.INTENTS_GRAPH, point) == point["value"] == 14
    assert errors == []


@pytest.mark.parametrize(
    ("graph", "key"),
    [
        (ids.SENTIMENT_GRAPH, "sentiment="),
        (ids.ASPECTS_GRAPH, "aspect_sentiment="),
        (ids.SOURCE_GRAPH, "source="),
        (ids.LANGUAGE_GRAPH, "lang="),
        (ids.FILM_VOICE_GRAPH, "film="),
    ],
)
def test_every_chart_opens_the_posts_it_counts(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
    graph: str,
    key: str,
) -> None:
    url, _ = site
    open_film(page, url)
    point = busiest(page, graph)
    assert key in point["link"]
    assert click(page, graph, point) == point["value"] > 0
    assert errors == []


def test_piracy_posts_of_a_film_through_the_url_alone(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
) -> None:
    url, posts = site
    piracy = [p for p in film_posts(posts) if "piracy" in p["intents"]]
    page.goto(f"{url}/posts?film={SLUG}&intent=piracy")
    page.wait_for_selector(f"#{ids.POSTS_LIST} li.post")
    assert page.locator(f"#{ids.POSTS_TOTAL}").inner_text() == str(len(piracy))
    shown = page.locator(f"#{ids.POSTS_LIST} li.post a.post-link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert sorted(shown) == sorted(p["url"] for p in piracy)
    assert "page 1 of 1" in page.locator(f"#{ids.POSTS_COUNT}").inner_text()
    assert errors == []


def test_posts_view_exports_what_it_shows(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
) -> None:
    url, posts = site
    page.goto(f"{url}/posts?film={SLUG}&q=screeners&sentiment=neg")
    page.wait_for_selector(f"#{ids.POSTS_LIST} li.post")
    expected = [
        p for p in film_posts(posts) if SPIKE_PHRASE in p["text"] and p["sentiment_label"] == "neg"
    ]
    assert page.locator(f"#{ids.POSTS_TOTAL}").inner_text() == str(len(expected))
    with page.expect_download() as download:
        page.locator(f"#{ids.POSTS_EXPORT}").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == POST_COLUMNS
    assert sorted(r["url"] for r in table) == sorted(p["url"] for p in expected)
    assert {r["intents"] for r in table} == {"piracy"}
    assert errors == []


def test_why_it_moved_names_the_planted_phrase_first(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
) -> None:
    url, _ = site
    page.goto(f"{url}/")
    spike = page.locator(f"#{ids.FILM_CARDS} a.spike").first
    assert "2023-07-05" in str(spike.get_attribute("href"))
    spike.click()
    page.wait_for_selector(f"#{ids.WHY_TERMS} td a")
    first = page.locator(f"#{ids.WHY_TERMS} td a").first
    assert first.inner_text() == SPIKE_PHRASE
    assert "Karlovy Vary" in page.locator(f"#{ids.WHY} .why-event").inner_text()
    first.click()
    page.wait_for_url("**/posts?**")
    assert page.locator(f"#{ids.POSTS_TOTAL}").inner_text() == "14"
    assert errors == []


def test_authors_rank_and_link_to_their_posts(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
) -> None:
    url, posts = site
    open_film(page, url, "?authors_by=engagement")
    first = page.locator(f"#{ids.AUTHORS} table.authors tbody tr").first
    author = first.locator(".author").inner_text()
    theirs = [p for p in film_posts(posts) if p["author"] == author]
    top = max(
        {p["author"] for p in film_posts(posts)},
        key=lambda a: (sum(p["likes"] for p in film_posts(posts) if p["author"] == a), a),
    )
    assert author == top
    first.locator("a").click()
    page.wait_for_url("**/posts?**")
    assert page.locator(f"#{ids.POSTS_TOTAL}").inner_text() == str(len(theirs))
    assert errors == []


def test_a_day_with_posts_can_be_explained(
    page: Page,
    site: tuple[str, list[dict[str, Any]]],
    errors: list[str],
) -> None:
    url, _ = site
    open_film(page, url, f"?why={date(2023, 7, 8).isoformat()}")
    assert "Sat 08 Jul 2023" in page.locator(f"#{ids.WHY} .why-summary").inner_text()
    assert errors == []


def test_spans_without_data_are_shaded_not_zero(
    page: Page, site: tuple[str, list[dict[str, Any]]], errors: list[str]
) -> None:
    url, _ = site
    open_film(page, url, "?from=2023-05-25")
    labels = page.locator(f"#{ids.MENTIONS_GRAPH} .annotation-text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert "no data: before the first collected post" in labels
    assert "mastodon down since 08 Jul" in labels
    days = page.evaluate(
        f"() => Array.from(document.querySelector('#{ids.MENTIONS_GRAPH} .js-plotly-plot')._fullData[0].x)"
    )
    assert min(days).startswith("2023-06-01")  # no 0 bars drawn before the first post
    assert errors == []
