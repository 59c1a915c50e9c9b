"""The Elasticsearch store beyond the shared contract: rebuild and check, faults, connections."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline.config import ElasticsearchConfig
from pipeline.errors import StoreError
from pipeline.lake import Lake
from pipeline.stages.index import check, index
from pipeline.stores.base import Filter
from pipeline.stores.elasticsearch import ElasticsearchStore
from pipeline.stores.embedded import EmbeddedStore
from tests.es_proxy import FaultyProxy
from tests.factories import enriched_post, posts

START = datetime(2023, 6, 20, 12, tzinfo=UTC)


def fill_lake(folder: Path, files: int = 6, per_file: int = 400) -> Lake:
    """A lake of posts spread over two months and three films, written as several files."""
    lake = Lake(folder / "lake")
    n = 0
    for _ in range(files):
        rows = []
        for _ in range(per_file):
            film = ("red-rooms", "monster", "past-lives")[n % 3]
            rows.append(enriched_post(n, film=film, published=START + timedelta(hours=3 * n)))
            n += 1
        lake.append("posts", posts(rows))
    return lake


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return fill_lake(tmp_path)


def test_index_check_and_rebuild_find_and_fix_drift(
    lake: Lake, es_config: ElasticsearchConfig
) -> None:
    store = ElasticsearchStore(es_config)
    assert index(lake, store).posts == 2400
    assert check(lake, store) == []
    victim = store.top_posts(Filter(films=("monster",)), limit=1).iloc[0]
    store.client.delete(
        index=store.names.month(victim.published_at.to_pydatetime()), id=victim.id, refresh=True
    )
    drift = check(lake, store)
    assert [(d.film, d.lake - d.store) for d in drift] == [("monster", 1)]
    assert index(lake, store).posts == 0, "files already indexed are not written again"
    assert index(lake, store, rebuild=True).posts == 2400
    assert check(lake, store) == [] and store.post_count() == 2400


def test_index_check_works_for_the_embedded_store_too(lake: Lake, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store.duckdb")
    index(lake, store)
    assert check(lake, store) == []
    store.db.execute("DELETE FROM post_films WHERE film = 'past-lives'")
    assert {d.film for d in check(lake, store)} == {"past-lives"}
    store.close()


@pytest.fixture
def proxy(osmem_clone: object) -> Iterator[FaultyProxy]:
    running = FaultyProxy(osmem_clone.url).start()  # type: ignore[attr-defined]
    yield running
    running.stop()


def through(proxy: FaultyProxy, es_config: ElasticsearchConfig) -> ElasticsearchConfig:
    return es_config.model_copy(update={"url": proxy.url, "max_retries": 1, "request_timeout": 5})


def test_bulk_answered_429_is_retried_until_exact(
    lake: Lake, es_config: ElasticsearchConfig, proxy: FaultyProxy
) -> None:
    store = ElasticsearchStore(through(proxy, es_config))
    proxy.too_many = 3
    assert index(lake, store).posts == 2400
    assert proxy.answered_429 == 3
    assert store.post_count() == 2400 and check(lake, store) == []


def test_server_gone_mid_load_then_rerun_ends_exact(
    lake: Lake, es_config: ElasticsearchConfig, proxy: FaultyProxy
) -> None:
    store = ElasticsearchStore(through(proxy, es_config))
    proxy.stop_after_bulks = 2
    with pytest.raises(
        StoreError, match=r"lost Elasticsearch at .*the next `filmbuzz index` catches up"
    ):
        index(lake, store)
    proxy.stop_after_bulks = None
    proxy.start()
    partial = store.post_count()
    assert 0 < partial < 2400
    index(lake, store)
    assert store.post_count() == 2400 and check(lake, store) == []


def test_mapping_conflict_names_the_field_and_keeps_the_file_for_later(
    lake: Lake, es_config: ElasticsearchConfig
) -> None:
    store = ElasticsearchStore(es_config)
    store.client.indices.create(
        index="test-posts-2023.06", mappings={"properties": {"likes": {"type": "boolean"}}}
    )
    result = index(lake, store)
    assert len(result.problems) == 1
    assert re.search(r"were not indexed; first: document \w+: field 'likes'", result.problems[0])
    assert result.posts == 2000, "the other files were indexed"
    first = f"posts/{lake.files('posts')[0].relative_to(lake.path('posts'))}"  # June posts
    marked = store.indexed_files()
    assert first not in marked, "the file with refused documents is written again next run"
    assert 0 < sum(name.startswith("posts/") for name in marked) < len(lake.files("posts"))


class Answer(BaseHTTPRequestHandler):
    status = 200
    body: ClassVar[dict[str, object]] = {}

    def do_GET(self) -> None:
        payload = json.dumps(self.body).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(status: int, body: dict[str, object]) -> ThreadingHTTPServer:
    handler = type("Handler", (Answer,), {"status": status, "body": body})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            401,
            {"error": {"type": "security_exception", "reason": "unable to authenticate"}},
            "refused the credentials",
        ),
        (
            200,
            {"version": {"number": "7.10.2"}, "tagline": "You Know, for Search"},
            "runs elasticsearch 7.10.2; filmbuzz needs elasticsearch 8",
        ),
        (
            200,
            {"version": {"number": "1.3.0", "distribution": "opensearch"}},
            "needs opensearch 2 or newer",
        ),
    ],
)
def test_connect_errors_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, status: int, body: dict[str, object], message: str
) -> None:
    monkeypatch.setenv("FILMBUZZ_ES_API_KEY", "planted-secret-key")
    server = serve(status, body)
    config = ElasticsearchConfig(url=f"http://127.0.0.1:{server.server_address[1]}", max_retries=0)
    try:
        with pytest.raises(StoreError, match=message) as error:
            ElasticsearchStore(config)
        assert "planted-secret-key" not in str(error.value)
    finally:
        server.shutdown()
        server.server_close()


def test_connect_unreachable_cluster_says_where_and_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FILMBUZZ_ES_URL", "http://127.0.0.1:9")
    config = ElasticsearchConfig(max_retries=0, request_timeout=2)
    with pytest.raises(
        StoreError, match=r"cannot reach Elasticsearch at http://127.0.0.1:9 .*set FILMBUZZ_ES_URL"
    ):
        ElasticsearchStore(config)


def test_connect_never_shows_a_password_from_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILMBUZZ_ES_URL", "http://elastic:planted-password@127.0.0.1:9")
    with pytest.raises(StoreError) as error:
        ElasticsearchStore(ElasticsearchConfig(max_retries=0, request_timeout=2))
    assert "planted-password" not in str(error.value) and "127.0.0.1:9" in str(error.value)
