"""The static report in a real browser: Plotly's toolbar never covers a chart's title."""

# ruff: noqa: F811 — the browser fixtures are imported from test_dashboard_browser
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pytest

from dashboards.report import write_report
from pipeline.records import POST_SCHEMA
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import planted_spike
from tests.test_dashboard_browser import browser, config_in, context, errors, page  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_report_toolbar_leaves_every_title_readable(
    page: Page, errors: list[str], tmp_path: Path
) -> None:
    config = config_in(tmp_path)
    store = EmbeddedStore(config.data_dir / "store.duckdb")
    store.write_posts(pa.Table.from_pylist(planted_spike(), schema=POST_SCHEMA))
    out = write_report(config, store, "red-rooms", tmp_path / "report.html")
    store.close()
    page.goto(out.as_uri())
    page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 9")
    charts = page.locator(".plotly-graph-div")
    assert charts.count() == 9
    assert page.locator(".plotly-graph-div .gtitle").count() == 0
    for index in range(charts.count()):
        chart = charts.nth(index)
        title = chart.locator("xpath=../preceding-sibling::h3[1]")
        assert title.inner_text()
        chart.scroll_into_view_if_needed()
        chart.hover()
        toolbar = chart.locator(".modebar")
        toolbar.wait_for(state="visible")
        assert not overlap(toolbar.bounding_box(), title.bounding_box()), title.inner_text()
    assert errors == []
