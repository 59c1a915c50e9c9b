"""The Elasticsearch store: monthly post indices behind an alias, a signals index, bulk upserts.

Writes go through `streaming_bulk` with retries and back-off on 429; documents the cluster
refuses are collected and reported, and their lake file stays unmarked so the next
`filmbuzz index` writes it again. Queries use plain aggregations only (see es_queries).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import scan, streaming_bulk

from pipeline.config import ElasticsearchConfig
from pipeline.errors import StoreError
from pipeline.stores import es_queries
from pipeline.stores.base import (
    AUTHOR_COLUMNS,
    TEXT_COLUMNS,
    AuthorRank,
    Filter,
    Store,
    StoreWriteError,
    ranked_authors,
    with_film_column,
)
from pipeline.stores.es_client import connect, display_url
from pipeline.stores.es_mapping import (
    ADDED_FIELDS,
    INDEXED_PROPERTIES,
    POST_PROPERTIES,
    SIGNAL_PROPERTIES,
    IndexNames,
    mappings,
    post_document,
    signal_document,
)
from pipeline.stores.words import derived_columns

TOP_POST_FIELDS = [
    "id", "about", "source", "url", "author", "title", "text", "language",
    "published_at", "sentiment_label", "sentiment_score", "rating", "engagement",
    "intents", "country", "followers",
]  # fmt: skip
SIGNAL_COLUMNS = ["film", "source", "metric", "key", "day", "value"]
_FIELD_IN_REASON = re.compile(r"field \[([^\]]+)\]")


class ElasticsearchStore(Store):
    """`client` may be given; otherwise one is built and checked from `config`. A read-only
    store (dashboards, exports) does not create the template and indices."""

    def __init__(
        self,
        config: ElasticsearchConfig,
        client: Elasticsearch | None = None,
        read_only: bool = False,
    ) -> None:
        self.config = config
        self.names = IndexNames(config.index_prefix)
        self.client = client or connect(config)
        self.url = display_url(str(self.client.transport.node_pool.get().base_url))
        if not read_only:
            self.setup()

    def setup(self) -> None:
        """Create the template, alias and indices if missing; safe to run any time."""
        self._call(
            lambda: self.client.indices.put_index_template(
                name=self.names.template,
                index_patterns=[self.names.posts_pattern],
                template={
                    "settings": {"number_of_shards": 1},
                    "mappings": mappings(POST_PROPERTIES),
                    "aliases": {self.names.posts: {}},
                },
                priority=100,
            )
        )
        # Monthly indices made before a field was added get it (adding a field is allowed).
        put_mapping = self.client.options(ignore_status=404).indices.put_mapping
        self._call(partial(put_mapping, index=self.names.posts_pattern, properties=ADDED_FIELDS))
        for name, properties in (
            (self.names.signals, SIGNAL_PROPERTIES),
            (self.names.indexed, INDEXED_PROPERTIES),
        ):
            create = self.client.options(ignore_status=400).indices.create  # 400: exists already
            self._call(
                partial(
                    create,
                    index=name,
                    mappings=mappings(properties),
                    settings={"number_of_shards": 1},
                )
            )

    def close(self) -> None:
        self.client.close()

    # --- writing -----------------------------------------------------------------------

    def write_posts(self, table: pa.Table) -> int:
        derived = derived_columns(table).to_pylist()
        actions = (
            {
                "_index": self.names.month(row["published_at"]),
                "_id": row["id"],
                "_source": post_document(row, extra),
            }
            for row, extra in zip(table.to_pylist(), derived, strict=True)
        )
        return self._bulk(actions, table.num_rows, "posts", self.names.posts)

    def write_signals(self, table: pa.Table) -> int:
        actions = (
            {"_index": self.names.signals, "_id": row["id"], "_source": signal_document(row)}
            for row in table.to_pylist()
        )
        return self._bulk(actions, table.num_rows, "signals", self.names.signals)

    def _bulk(self, actions: Iterable[dict[str, Any]], total: int, what: str, refresh: str) -> int:
        failures: list[dict[str, Any]] = []

        def run() -> None:
            for ok, item in streaming_bulk(
                self.client,
                actions,
                chunk_size=500,
                max_retries=5,
                initial_backoff=0.5,
                max_backoff=8,
                raise_on_error=False,
            ):
                if not ok:
                    failures.append(next(iter(item.values())))
            self.client.indices.refresh(
                index=refresh, ignore_unavailable=True, allow_no_indices=True
            )

        self._call(run)
        if failures:
            raise StoreWriteError(
                f"{len(failures)} of {total} {what} were not indexed; first: {describe_failure(failures[0])}. "
                "They are retried on the next `filmbuzz index`"
            )
        return total

    # --- bookkeeping --------------------------------------------------------------------

    def clear(self) -> None:
        for pattern in (self.names.posts_pattern, self.names.signals, self.names.indexed):
            delete = self.client.options(ignore_status=404).indices.delete
            self._call(
                partial(delete, index=pattern, ignore_unavailable=True, allow_no_indices=True)
            )
        self.setup()

    def indexed_files(self) -> set[str]:
        return {hit["_id"] for hit in self._scan(self.names.indexed, {"match_all": {}})}

    def mark_indexed(self, name: str) -> None:
        self._call(
            lambda: self.client.index(
                index=self.names.indexed, id=name, document={"name": name}, refresh=True
            )
        )

    def post_count(self, where: Filter | None = None) -> int:
        query = es_queries.filter_query(where) if where else {"match_all": {}}
        count = partial(self.client.count, index=self.names.posts, query=query)
        return int(
            self._call(partial(count, ignore_unavailable=True, allow_no_indices=True))["count"]
        )

    # --- queries ------------------------------------------------------------------------

    def grouped(self, where: Filter, by: Sequence[str], with_period: bool) -> pd.DataFrame:
        chain = es_queries.levels(where, by, with_period)
        response = self._call(
            lambda: self.client.search(
                index=self.names.posts,
                size=0,
                query=es_queries.filter_query(where),
                aggs=es_queries.aggregations(chain),
                ignore_unavailable=True,
                allow_no_indices=True,
            )
        )
        columns = [level.column for level in chain]
        aggs = response.body.get("aggregations")
        frame = pd.DataFrame(
            list(es_queries.rows(aggs, chain)) if aggs else [], columns=[*columns, "posts"]
        )
        keys = ["film", *(["period"] if with_period else []), *by]
        frame = frame[[*keys, "posts"]].astype({"posts": "int64"})
        return frame.sort_values(keys, kind="stable").reset_index(drop=True)

    def top_posts(self, where: Filter, limit: int = 10, offset: int = 0) -> pd.DataFrame:
        sort = [{"engagement": "desc"}, {"published_at": "desc"}, {"id": "asc"}]
        records = self._hits(where, sort, offset, limit, TOP_POST_FIELDS)
        frame = pd.DataFrame(records, columns=TOP_POST_FIELDS).rename(
            columns={"about": "films", "language": "lang"}
        )
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True, format="ISO8601")
        return with_film_column(frame, where)

    def post_texts(self, where: Filter, limit: int = 5000) -> pd.DataFrame:
        fields = ["id", "language", "title", "text"]
        records = self._hits(where, [{"id": "asc"}], 0, limit, fields)
        frame = pd.DataFrame(records, columns=fields).rename(columns={"language": "lang"})
        return frame.reindex(columns=TEXT_COLUMNS)

    def authors(self, where: Filter, rank: AuthorRank = "posts", limit: int = 20) -> pd.DataFrame:
        # The top `limit` of each source holds the top `limit` overall.
        aggs = es_queries.author_aggregations(rank, limit)
        response = self._call(
            lambda: self.client.search(
                index=self.names.posts,
                size=0,
                query=es_queries.filter_query(where),
                aggs=aggs,
                ignore_unavailable=True,
                allow_no_indices=True,
            )
        )
        body = response.body.get("aggregations")
        frame = pd.DataFrame(
            list(es_queries.author_rows(body)) if body else [], columns=AUTHOR_COLUMNS
        )
        return ranked_authors(frame, rank, limit)

    def _hits(
        self, where: Filter, sort: list[dict[str, str]], offset: int, limit: int, fields: list[str]
    ) -> list[dict[str, Any]]:
        response = self._call(
            lambda: self.client.search(
                index=self.names.posts,
                query=es_queries.filter_query(where),
                sort=sort,
                from_=offset,
                size=limit,
                source_includes=fields,
                ignore_unavailable=True,
                allow_no_indices=True,
            )
        )
        return [hit["_source"] for hit in response.body["hits"]["hits"]]

    def signals(self, where: Filter, metric: str | None = None) -> pd.DataFrame:
        clauses: list[dict[str, Any]] = []
        if where.films:
            clauses.append({"terms": {"film": list(where.films)}})
        if metric:
            clauses.append({"term": {"metric": metric}})
        span = {k: v.isoformat() for k, v in (("gte", where.start), ("lte", where.end)) if v}
        if span:
            clauses.append({"range": {"day": span}})
        records = [
            hit["_source"] for hit in self._scan(self.names.signals, {"bool": {"filter": clauses}})
        ]
        frame = pd.DataFrame(records, columns=SIGNAL_COLUMNS)
        frame["day"] = [pd.Timestamp(d).date() for d in frame["day"]]
        return frame.sort_values(SIGNAL_COLUMNS[:5]).reset_index(drop=True)

    def _scan(self, index: str, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return iter(
            self._call(
                lambda: list(
                    scan(
                        self.client,
                        index=index,
                        query={"query": query},
                        ignore_unavailable=True,
                        allow_no_indices=True,
                    )
                )
            )
        )

    def _call(self, action: Callable[[], Any]) -> Any:
        """Run a client call; connection and API failures become one clear StoreError."""
        try:
            return action()
        except (TransportConnectionError, ConnectionTimeout):
            raise StoreError(
                f"lost Elasticsearch at {self.url}; nothing is lost: the lake keeps every record and "
                "the next `filmbuzz index` catches up"
            ) from None
        except ApiError as exc:
            raise StoreError(
                f"Elasticsearch at {self.url} refused a request: {_api_reason(exc)}"
            ) from None


def describe_failure(item: dict[str, Any]) -> str:
    error = item.get("error") or {}
    reason = str(error.get("reason", error)) if isinstance(error, dict) else str(error)
    field = _FIELD_IN_REASON.search(reason)
    where = f"field {field.group(1)!r}: " if field else ""
    return f"document {item.get('_id')}: {where}{error.get('type', 'error') if isinstance(error, dict) else ''} ({reason})"


def _api_reason(exc: ApiError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error", {})
    if isinstance(error, dict):
        return f"HTTP {exc.status_code} {error.get('type', '')}: {error.get('reason', '')}".strip()
    return f"HTTP {exc.status_code} {exc.message}"
