"""Every export kind: documented columns, values, XLSX and CSV, injection payloads, the folder."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.config import Config, ElasticsearchConfig
from pipeline.exports import neutralise, write_table
from pipeline.exports.build import KINDS, build, columns, scheduled_exports
from pipeline.lake import Lake
from pipeline.records import Signal
from pipeline.stores.base import Filter
from pipeline.stores.elasticsearch import ElasticsearchStore
from pipeline.stores.embedded import EmbeddedStore
from tests.conftest import ROOT
from tests.factories import enriched_post, posts, signals

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
    "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠SUM(1)", "  =1+1",
]  # fmt: skip


def _at(day: int, hour: int = 15) -> datetime:
    return datetime(2023, 7, day, hour, tzinfo=UTC)


ROWS = [
    enriched_post(1, published=_at(4), label="pos", intents=["want_to_see"], country="FR",
                  aspects=[{"aspect": "acting", "label": "pos", "score": 0.5}]),
    enriched_post(2, published=_at(4, 16), label="neg", source="letterboxd", country="FR",
                  intents=["where_to_watch", "want_to_see"]),
    enriched_post(3, published=_at(6), label="neu", country="CA", text=PAYLOADS[0],
                  author="@evil", title="=1+1",
                  aspects=[{"aspect": "acting", "label": "neg", "score": -0.5}]),
    enriched_post(4, film="monster", published=_at(5)),
    enriched_post(5, film="monster", published=_at(4)),
]  # fmt: skip


SIGNALS = [
    Signal("red-rooms", "wikipedia", "pageviews", date(2023, 7, 4), 100.0, "en"),
    Signal("red-rooms", "wikipedia", "pageviews", date(2023, 7, 4), 20.0, "fr"),
    Signal("red-rooms", "letterboxd", "watches", date(2023, 7, 5), 900.0),
]


@pytest.fixture
def store(example_config: Config) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(example_config.data_dir / "store.duckdb")
    table = posts(ROWS)
    store.write_posts(table)
    Lake(example_config.data_dir / "lake").append("posts", table)
    store.write_signals(signals(SIGNALS))
    yield store
    store.close()


def documented_columns(kind: str, config: Config) -> list[str]:
    text = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {kind}\n", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\| `?([a-z0-9_<>]+)`? \|", section, re.MULTILINE)
    sources = type(config.sources).post_sources()
    expanded: list[str] = []
    for name in names[1:]:  # the first is the table's header
        expanded += [f"{s}_mentions" for s in sources] if name == "<source>_mentions" else [name]
    return expanded


@pytest.mark.parametrize("kind", KINDS)
def test_export_kind_columns_match_the_docs(
    kind: str, example_config: Config, store: EmbeddedStore
) -> None:
    frame = build(kind, store, example_config)
    assert list(frame.columns) == columns(kind, example_config)
    assert columns(kind, example_config) == documented_columns(kind, example_config)
    assert len(frame) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_export_kind_empty_store_keeps_the_columns(kind: str, example_config: Config) -> None:
    empty = EmbeddedStore(example_config.data_dir / "empty.duckdb")
    try:
        frame = build(kind, empty, example_config)
    finally:
        empty.close()
    assert list(frame.columns) == columns(kind, example_config)


def test_export_daily_counts_intents_signals_share_and_change(
    example_config: Config, store: EmbeddedStore
) -> None:
    frame = build("daily", store, example_config, ["red-rooms"]).set_index("date")
    first = frame.loc[date(2023, 7, 4)]
    assert (first.mentions, first.positive_ratio, first.negative_ratio) == (2, 0.5, 0.5)
    assert (first.intent_want_to_see, first.intent_where_to_watch) == (2, 1)
    assert (first.wikipedia_pageviews, first.share_of_voice) == (120.0, round(2 / 3, 4))
    assert frame.loc[date(2023, 7, 5)].letterboxd_watches == 900.0
    assert list(frame.mentions_change) == [2, -2, 1]
    assert list(frame.mentions_7d) == [2, 2, 3]
    assert frame.loc[date(2023, 7, 5)].share_of_voice == 0.0


def test_export_daily_from_date_keeps_the_previous_period(
    example_config: Config, store: EmbeddedStore
) -> None:
    frame = build("daily", store, example_config, ["red-rooms"], start=date(2023, 7, 6))
    assert [d.isoformat() for d in frame.date] == ["2023-07-06"]
    assert (frame.mentions_previous_day[0], frame.mentions_7d[0]) == (0, 3)


def test_export_posts_carry_provenance_and_lake_fields(
    example_config: Config, store: EmbeddedStore
) -> None:
    frame = build("posts", store, example_config, ["red-rooms"])
    assert list(frame.url) == [f"https://example.org/posts/{n}" for n in (1, 2, 3)]
    assert frame.intents.tolist() == ["want_to_see", "where_to_watch;want_to_see", ""]
    assert frame.country.tolist() == ["FR", "FR", "CA"]
    assert frame.published_at[0] == "2023-07-04T15:00:00Z" and frame.date[0] == date(2023, 7, 4)


def test_export_territories_release_status_and_demand(
    example_config: Config, store: EmbeddedStore
) -> None:
    frame = build("territories", store, example_config, ["red-rooms"]).set_index("country")
    assert frame.loc["FR", "demand"] == 3 and frame.loc["FR", "release_status"] == "none"
    # judged on the film's last day with posts, as the map does: Québec's release came later
    assert frame.loc["CA", "status_as_of"] == date(2023, 7, 6)
    assert frame.loc["CA", "release_status"] == "announced"
    assert frame.loc["US", "mentions"] == 0 and frame.loc["US", "release_kinds"] == "theatrical"
    assert frame.index[0] == "FR"
    assert set(frame["film_posts"]) == {3} and set(frame["film_posts_with_country"]) == {3}
    later = build("territories", store, example_config, ["red-rooms"], end=date(2023, 9, 1))
    assert later.set_index("country").loc["CA", "release_status"] == "released"


def test_export_territories_reads_tmdb_releases_and_offers_under_the_config(
    example_config: Config, store: EmbeddedStore
) -> None:
    store.write_signals(signals([
        Signal("red-rooms", "tmdb", "tmdb_id", date(2026, 1, 2), 1001785.0),
        Signal("red-rooms", "tmdb", "release", date(2023, 6, 1), 3.0, "CA|3"),  # config wins
        Signal("red-rooms", "tmdb", "release", date(2023, 7, 1), 3.0, "FR|3"),
        Signal("red-rooms", "tmdb", "offers_checked", date(2026, 1, 2), 1.0),
        Signal("red-rooms", "tmdb", "offer", date(2026, 1, 2), 230.0, "CA|flatrate|Crave"),
        Signal("red-rooms", "tmdb", "offer", date(2026, 1, 2), 2.0, "CA|rent|Apple TV"),
        Signal("red-rooms", "tmdb", "piracy", date(2026, 1, 2), 0.0, "ignored"),
    ]))  # fmt: skip
    frame = build("territories", store, example_config, ["red-rooms"]).set_index("country")
    assert frame.loc["FR", "release_status"] == "released" and frame.loc["FR", "demand"] == 3
    assert frame.loc["FR", "release_source"] == "tmdb"
    assert frame.loc["CA", "release_date"] == date(2023, 8, 11), "the config overrides TMDB"
    assert frame.loc["CA", "streaming"] == "Crave" and frame.loc["CA", "rent_buy"] == "Apple TV"
    assert frame.loc["CA", "release_status"] == "announced", "offers seen in 2026 not in 2023"
    today = build("territories", store, example_config, ["red-rooms"], end=date(2026, 1, 3))
    row = today.set_index("country").loc["CA"]
    assert row["release_status"] == "on_demand" and row["offers_seen"] == date(2026, 1, 2)
    assert row["watch_link"] == "https://www.themoviedb.org/movie/1001785/watch?locale=CA"


def test_export_aspects_counts_and_sentiment(example_config: Config, store: EmbeddedStore) -> None:
    frame = build("aspects", store, example_config, ["red-rooms"])
    row = frame.iloc[0]
    # Post 3 is neutral as a whole but negative about the acting: the aspect's own label counts.
    assert (row.aspect, row.mentions, row.positive, row.negative, row.neutral, row.share) == (
        "acting",
        2,
        1,
        1,
        0,
        round(2 / 3, 4),
    )
    chart = store.totals(
        Filter(films=("red-rooms",), timezone="UTC"), ["aspect", "aspect_sentiment"]
    )  # what the film page's aspects chart reads
    assert sorted(zip(chart["aspect_sentiment"], chart["posts"], strict=True)) == [
        ("neg", 1),
        ("pos", 1),
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_export_payload_is_inert_in_csv_and_xlsx(payload: str, tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"text": [payload], "n": [-1], "day": [date(2023, 7, 4)]})
    csv_path = write_table(frame, tmp_path / "x.csv", "csv")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row == {"text": "'" + payload, "n": "-1", "day": "2023-07-04"}
    sheet = load_workbook(write_table(frame, tmp_path / "x.xlsx", "xlsx")).active
    assert sheet is not None
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r]
    assert [c.value for c in cells] == ["'" + payload, -1, datetime(2023, 7, 4)]
    assert [c.data_type for c in cells] == ["s", "n", "d"]


def test_export_xlsx_opens_ready_to_read(
    example_config: Config, store: EmbeddedStore, tmp_path: Path
) -> None:
    frame = build("territories", store, example_config, ["red-rooms"])
    sheet = load_workbook(write_table(frame, tmp_path / "t.xlsx", "xlsx")).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    header = [c for c in next(sheet.iter_rows())]
    assert all(c.font.bold for c in header)
    names = [c.value for c in header]
    first = {name: cell for name, cell in zip(names, next(sheet.iter_rows(min_row=2)), strict=True)}
    assert first["film_title"].value == example_config.film("red-rooms").title
    assert isinstance(first["first_mention"].value, datetime)
    assert first["first_mention"].number_format == "yyyy-mm-dd"
    widths = {
        name: sheet.column_dimensions[c.column_letter].width
        for name, c in zip(names, header, strict=True)
    }
    assert (
        widths["release_status"] >= len("release_status")
        and widths["film"] < widths["film_title"] + 20
    )
    assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{len(frame) + 1}"


def test_export_daily_carries_the_latest_known_snapshot(
    example_config: Config, store: EmbeddedStore
) -> None:
    store.write_signals(
        signals([Signal("red-rooms", "letterboxd", "watches", date(2026, 3, 1), 5000.0)])
    )
    frame = build("daily", store, example_config, ["red-rooms"]).set_index("date")
    # Read on 2023-07-05 (900) and 2026-03-01 (5000): the day before the first reading
    # carries it, later days the latest made by then.
    assert list(frame.letterboxd_watches) == [900.0, 900.0, 900.0]
    assert [str(d) for d in frame.letterboxd_read_on] == ["2023-07-05"] * 3
    assert frame.youtube_views.isna().all() and frame.youtube_read_on.isna().all()
    assert frame.wikipedia_pageviews.isna().tolist() == [False, True, True]


@pytest.mark.parametrize("value", ["a=b", "plain", "", "café ＝", "1-2", 3.5, None])
def test_export_harmless_values_unchanged(value: object) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_posts_file_has_no_live_formula(
    fmt: str, example_config: Config, store: EmbeddedStore, tmp_path: Path
) -> None:
    frame = build("posts", store, example_config)
    path = write_table(frame, tmp_path / f"posts.{fmt}", fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            cells = [c for row in csv.reader(handle) for c in row]
    else:
        sheet = load_workbook(path).active
        assert sheet is not None
        assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
        cells = [str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None]
    assert not [c for c in cells if c.lstrip(" ").startswith(("=", "+", "@", "＝"))]
    assert "'@evil" in cells and "'=1+1" in cells


def test_export_bom_only_when_asked(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"title": ["Les chambres rouges"]})
    assert write_table(frame, tmp_path / "a.csv", bom=True).read_bytes()[:3] == b"\xef\xbb\xbf"
    assert write_table(frame, tmp_path / "b.csv").read_bytes()[:5] == b"title"


def test_export_scheduled_folder_has_dated_names_and_is_idempotent(
    example_config: Config, store: EmbeddedStore, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    first = scheduled_exports(store, example_config, folder, today=date(2023, 7, 10))
    again = scheduled_exports(store, example_config, folder, today=date(2023, 7, 10))
    assert first == again
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}-2023-07-10.csv" for k in KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_export_kind_writes_the_file(
    kind: str, example_config: Config, store: EmbeddedStore, tmp_path: Path
) -> None:
    store.close()
    out = tmp_path / f"{kind}.xlsx"
    assert main(["export", kind, "--config", str(example_config.path), "--out", str(out)]) == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in next(sheet.iter_rows())] == columns(kind, example_config)


@pytest.mark.parametrize("kind", KINDS)
def test_export_kind_same_rows_on_elasticsearch(
    kind: str, example_config: Config, store: EmbeddedStore, es_config: ElasticsearchConfig
) -> None:
    other = ElasticsearchStore(es_config)
    try:
        other.write_posts(posts(ROWS))
        other.write_signals(signals(SIGNALS))
        on_es = build(kind, other, example_config)
    finally:
        other.close()
    embedded = build(kind, store, example_config)
    pd.testing.assert_frame_equal(on_es, embedded, check_dtype=False)
