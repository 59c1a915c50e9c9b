"""One bad record never stops a stage, nor costs its batch: the item pipeline, the lake writer,
enrich, compaction of a doubled lake, and the store swapped in whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawlers.pipelines.dedupe import DedupePipeline
from crawlers.pipelines.lake_writer import LakeWriterPipeline
from crawlers.pipelines.validate import MAX_POST_CHARS, ValidatePipeline
from nlp.pipeline import Analysis, Analyzer, PostInput, failed_analysis
from pipeline.cli import main
from pipeline.config import Config
from pipeline.lake import Lake
from pipeline.records import Post, posts_table
from pipeline.stages.enrich import enrich
from pipeline.stores.embedded import EmbeddedStore
from tests.factories import config_for, enriched_post, posts


class MastodonSpider(Spider):
    name = "mastodon"


def post(n: int, **fields: Any) -> Post:
    values: dict[str, Any] = {
        "source": "mastodon",
        "source_id": f"status-{n}",
        "url": f"https://example.org/{n}",
        "text": f"Red Rooms, post {n}",
        "published_at": datetime(2023, 7, 4, 12, tzinfo=UTC),
        "films": ["red-rooms"],
    }
    return Post(**(values | fields))


class ItemPipeline:
    """Validate -> dedupe -> lake writer, as a crawl chains them, without a crawl."""

    def __init__(self, data_dir: Path, flush_items: int = 500) -> None:
        settings = {"FILMBUZZ_DATA_DIR": str(data_dir), "FILMBUZZ_FLUSH_ITEMS": flush_items}
        self.crawler: Crawler = get_crawler(MastodonSpider, settings)
        self.stages = [
            ValidatePipeline.from_crawler(self.crawler),
            DedupePipeline.from_crawler(self.crawler),
        ]
        self.writer = LakeWriterPipeline.from_crawler(self.crawler)
        self.spider = MastodonSpider()
        self.writer.open_spider(self.spider)
        self.dropped: list[str] = []

    def feed(self, items: list[Any]) -> None:
        for item in items:
            try:
                for stage in self.stages:
                    item = stage.process_item(item, self.spider)
            except DropItem as exc:
                self.dropped.append(str(exc))
                continue
            self.writer.process_item(item, self.spider)
        self.writer.close_spider(self.spider)


def test_pipeline_one_unstorable_row_never_costs_its_batch(tmp_path: Path) -> None:
    items = [post(n) for n in range(6)]
    items[3] = post(3, likes=2**70)  # valid Python, too big for the lake's int64
    pipeline = ItemPipeline(tmp_path, flush_items=3)
    pipeline.feed(items)
    lake = Lake(tmp_path / "lake")
    assert sorted(lake.read("raw", ["source_id"]).column("source_id").to_pylist()) == [
        f"status-{n}" for n in (0, 1, 2, 4, 5)
    ]
    (row,) = lake.read("quarantine").to_pylist()
    assert row["url"] == "https://example.org/3" and row["action"] == "set aside"
    assert row["reason"].startswith("lake: the row cannot be stored (")
    assert json.loads(row["record"])["likes"] == 2**70


def test_pipeline_makes_text_safe_and_keeps_the_original(tmp_path: Path) -> None:
    broken = post(
        1, text="Red Rooms \ud83d chilling\x00", title="half \udc00", extras={"k": "\ud800"}
    )
    long = post(2, text="Red Rooms " + "x " * MAX_POST_CHARS)
    pipeline = ItemPipeline(tmp_path)
    pipeline.feed([broken, long, post(3), "not a post", post(4, rating=True)])
    lake = Lake(tmp_path / "lake")
    raw = {r["source_id"]: r for r in lake.read("raw").to_pylist()}
    assert set(raw) == {"status-1", "status-3"}
    assert raw["status-1"]["text"] == "Red Rooms \ufffd chilling\ufffd"
    assert raw["status-1"]["title"] == "half \ufffd" and json.loads(raw["status-1"]["extras"]) == {
        "k": "\ufffd"
    }
    quarantined = {r["url"]: r for r in lake.read("quarantine").to_pylist()}
    assert quarantined["https://example.org/1"]["action"] == "repaired"
    assert "\ud83d" in json.loads(quarantined["https://example.org/1"]["record"])["text"]
    assert quarantined["https://example.org/2"]["action"] == "set aside"
    assert any("unexpected item type str" in line for line in pipeline.dropped)
    assert any("rating: not a number (True)" in line for line in pipeline.dropped)
    assert pipeline.crawler.stats.get_value("filmbuzz/mastodon/quarantined") == 2


class FailOn(Analyzer):
    """The real analyzer, except that posts containing `marker` fail as a broken NLP would."""

    def __init__(self, config: Config, marker: str) -> None:
        super().__init__(config.films)
        self.marker = marker

    def _analyze_batch(self, batch: list[PostInput]) -> list[Analysis]:
        found = super()._analyze_batch(batch)
        return [failed_analysis("boom") if self.marker in p.text else a
                for p, a in zip(batch, found, strict=True)]  # fmt: skip


def test_enrich_sets_aside_a_failing_post_once_and_goes_on(example_config: Config) -> None:
    lake = Lake(example_config.data_dir / "lake")
    lake.append("raw", posts_table([post(n) for n in range(4)] + [post(9, text="Red Rooms BAD")]))
    assert enrich(lake, FailOn(example_config, "BAD"), batch_size=2) == 4
    (row,) = lake.read("quarantine").to_pylist()
    assert row["stage"] == "enrich" and row["reason"] == "nlp: boom"
    assert row["url"] == "https://example.org/9"
    assert enrich(lake, FailOn(example_config, "BAD")) == 0  # not retried, not doubled
    assert lake.count("quarantine") == 1 and lake.count("posts") == 4


def test_index_compacts_a_doubled_lake_so_check_agrees(
    example_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = Lake(example_config.data_dir / "lake")
    table = posts([enriched_post(n) for n in range(6)])
    lake.append("posts", table)
    lake.append("posts", table, known_ids=set())  # what two overlapping `enrich` once did
    config = ["--config", str(example_config.path)]
    assert main(["index", *config]) == 0
    assert "lake/posts: removed 6 doubled rows" in capsys.readouterr().out
    assert lake.count("posts") == 6
    assert main(["index", "--check", *config]) == 0
    assert "store and lake agree" in capsys.readouterr().out
    assert main(["compact", *config]) == 0
    assert "nothing to compact" in capsys.readouterr().out


@pytest.fixture
def store_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "store.duckdb"
    writer = EmbeddedStore(path)
    writer.write_posts(posts([enriched_post(n) for n in range(3)]))
    writer.close()
    yield path


def test_store_readers_see_the_last_whole_index_while_a_writer_works(store_path: Path) -> None:
    reader = EmbeddedStore(store_path, read_only=True)
    writer = EmbeddedStore(store_path)
    writer.write_posts(posts([enriched_post(n) for n in range(3, 10)]))
    during = EmbeddedStore(store_path, read_only=True)
    assert reader.post_count() == during.post_count() == 3 and writer.post_count() == 10
    during.close()
    writer.close()
    assert reader.post_count() == 3  # an open reader keeps its file
    reader.close()
    after = EmbeddedStore(store_path, read_only=True)
    assert after.post_count() == 10
    after.close()
    assert [p.name for p in store_path.parent.iterdir()] == [store_path.name]


def test_store_writer_killed_mid_write_leaves_the_store_whole(store_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import os, sys; from pipeline.stores.embedded import EmbeddedStore\n"
        "from tests.factories import config_for, enriched_post, posts\n"
        "s = EmbeddedStore(sys.argv[1]); s.write_posts(posts([enriched_post(n) for n in range(50)]))\n"
        "os._exit(9)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(store_path)], check=False, timeout=120)
    assert done.returncode == 9
    assert len(list(store_path.parent.iterdir())) > 1  # its staging file is left behind
    reader = EmbeddedStore(store_path, read_only=True)
    assert reader.post_count() == 3
    reader.close()
    writer = EmbeddedStore(store_path)
    writer.write_posts(posts([enriched_post(7)]))
    writer.close()
    assert [p.name for p in store_path.parent.iterdir()] == [store_path.name]


def test_run_stage_that_crashes_is_named_and_later_stages_still_run(
    example_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.jobs import run as job

    def crash(*args: object) -> None:
        raise RuntimeError("E088: text of length 1200000 exceeds maximum")

    config = config_for(tmp_path, example_config.films)  # no source enabled: nothing to crawl
    Lake(config.data_dir / "lake").append("posts", posts([enriched_post(1)]))
    monkeypatch.setattr(job, "_enrich", crash)
    record = job.run_job(config, job.RunOptions(sources=None))
    assert record.status == "failed" and record.exit_code == job.EXIT_FAILED
    assert record.errors == [
        "enrich: unexpected RuntimeError: E088: text of length 1200000 exceeds maximum"
    ]
    assert record.indexed["posts"] == 1
