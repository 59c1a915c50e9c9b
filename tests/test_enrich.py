"""The enrich stage: every raw post enriched once, in order, surviving an interrupted run."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from nlp.pipeline import Analyzer
from pipeline.config import Film
from pipeline.lake import Lake
from pipeline.records import RAW_POST_SCHEMA
from pipeline.stages.enrich import MAX_WORKERS, PARALLEL_FROM, enrich, workers_for
from tests.factories import enriched_post

FILMS = [Film(slug="red-rooms", title="Red Rooms", year=2023, genres=["thriller", "horror"])]
TEXTS = [
    "Red Rooms is brilliant, Juliette Gariépy is terrifying.",
    "Red Rooms was boring and far too long.",
    "Where can I watch Red Rooms in Brazil?",
    "Les chambres rouges, quel film glaçant, j'ai adoré.",
]


def raw_lake(folder: Path, count: int) -> Lake:
    lake = Lake(folder / "lake")
    rows = []
    for n in range(count):
        row = enriched_post(n, text=TEXTS[n % len(TEXTS)])
        rows.append({name: row[name] for name in RAW_POST_SCHEMA.names})
    lake.append("raw", pa.Table.from_pylist(rows, schema=RAW_POST_SCHEMA))
    return lake


def enriched(lake: Lake) -> dict[str, tuple[str, str]]:
    table = lake.read("posts", ["id", "text", "sentiment_label"]).to_pylist()
    return {r["id"]: (r["text"], r["sentiment_label"]) for r in table}


def test_every_raw_post_is_enriched_once_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    lake = raw_lake(tmp_path, 23)
    assert enrich(lake, Analyzer(FILMS, batch_size=4), batch_size=5) == 23
    first = enriched(lake)
    assert len(first) == 23 and lake.count("posts") == 23
    labels = {text: label for text, label in first.values()}
    assert labels[TEXTS[0]] == "pos" and labels[TEXTS[1]] == "neg"
    assert enrich(lake, Analyzer(FILMS), batch_size=5) == 0
    assert lake.count("posts") == 23


def test_an_interrupted_enrich_keeps_its_batches_and_the_rerun_finishes(tmp_path: Path) -> None:
    lake = raw_lake(tmp_path, 20)

    def stop_after_first_batch(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        enrich(lake, Analyzer(FILMS), batch_size=6, progress=stop_after_first_batch)
    assert lake.count("posts") == 6
    assert enrich(lake, Analyzer(FILMS), batch_size=6) == 14
    assert len(enriched(lake)) == 20 and lake.count("posts") == 20


def test_worker_processes_analyse_the_same_as_one(tmp_path: Path) -> None:
    alone, pooled = raw_lake(tmp_path / "a", 12), raw_lake(tmp_path / "b", 12)
    enrich(alone, Analyzer(FILMS), batch_size=5)
    enrich(pooled, Analyzer(FILMS, batch_size=3, n_process=2), batch_size=5)
    assert enriched(alone) == enriched(pooled)


def test_workers_start_only_for_big_backlogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert [workers_for(n) for n in (0, PARALLEL_FROM - 1, PARALLEL_FROM)] == [1, 1, 2]
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert workers_for(10 * PARALLEL_FROM) == MAX_WORKERS
