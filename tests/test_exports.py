from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.exports import DAILY_COLUMNS, daily, neutralise, write_csv
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import day, enriched_post, posts


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("＝1+1", "'＝1+1"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (-0.5, -0.5),
        (3, 3),
    ],
)
def test_export_neutralises_formula_cells(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected


def test_export_csv_round_trip_keeps_payload_inert(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"date": [day("2023-07-04")], "text": ["=cmd|' /C calc'!A0"], "n": [-1]})
    path = write_csv(frame, tmp_path / "x.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"date": "2023-07-04", "text": "'=cmd|' /C calc'!A0", "n": "-1"}]


def test_export_daily_one_row_per_day_with_source_columns(
    example_config: Config, tmp_path: Path
) -> None:
    store = EmbeddedStore(tmp_path / "s.duckdb")
    store.write_posts(
        posts(
            [
                enriched_post(1, published=datetime(2023, 7, 4, 15, tzinfo=UTC), label="pos"),
                enriched_post(
                    2,
                    published=datetime(2023, 7, 4, 16, tzinfo=UTC),
                    label="neg",
                    source="letterboxd",
                ),
                enriched_post(3, published=datetime(2023, 7, 7, 16, tzinfo=UTC), label="neu"),
                enriched_post(4, film="monster", published=datetime(2023, 7, 5, 16, tzinfo=UTC)),
            ]
        )
    )
    frame = daily(store, example_config, "red-rooms")
    store.close()
    assert list(frame.columns[: len(DAILY_COLUMNS)]) == DAILY_COLUMNS
    assert [d.isoformat() for d in frame.date] == [
        "2023-07-04",
        "2023-07-05",
        "2023-07-06",
        "2023-07-07",
    ]
    first = frame.iloc[0]
    assert (first.mentions, first.positive, first.negative, first.neutral) == (2, 1, 1, 0)
    assert (first.mastodon_mentions, first.letterboxd_mentions, first.feeds_mentions) == (1, 1, 0)
    assert list(frame.mentions) == [2, 0, 0, 1]
    assert frame.net_sentiment.tolist() == [0.0, 0.0, 0.0, 0.0]
    path = write_csv(frame, tmp_path / "daily.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(frame.columns)
