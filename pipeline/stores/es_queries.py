"""Store filters and groupings as Elasticsearch queries and aggregations, and back to rows.

Only plain bucket aggregations are used (terms, date_histogram, nested): no point in time,
no pipeline aggregations, no scripts, so the same queries run on OpenSearch and osmem.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.stores.base import Filter, search_words, utc_bounds

MAX_BUCKETS = 10_000
DIMENSION_FIELDS = {
    "source": "source",
    "lang": "language",
    "sentiment": "sentiment_label",
    "country": "country",
    "intent": "intents",
}


def filter_query(where: Filter) -> dict[str, Any]:
    """The filter as a bool query; dates are whole local days in the filter's time zone."""
    clauses: list[dict[str, Any]] = []
    for field, values in (
        ("about", where.films),
        ("source", where.sources),
        ("language", where.languages),
        ("country", where.countries),
    ):
        if values:
            clauses.append({"terms": {field: list(values)}})
    start, end = utc_bounds(where)
    span = {op: t.isoformat() for op, t in (("gte", start), ("lt", end)) if t}
    if span:
        clauses.append({"range": {"published_at": span}})
    words = search_words(where.text)
    if words:
        clauses.append(
            {
                "multi_match": {
                    "query": " ".join(words),
                    "fields": ["text", "title"],
                    "type": "cross_fields",
                    "operator": "and",
                }
            }
        )
    return {"bool": {"filter": clauses}}


@dataclass(frozen=True)
class Level:
    """One grouping level: its output column and the aggregation that makes its buckets."""

    column: str
    body: dict[str, Any]
    nested_path: str | None = None

    def wrap(self, inner: dict[str, Any] | None) -> dict[str, Any]:
        body = dict(self.body)
        if self.nested_path is None:
            return {self.column: {**body, **({"aggs": inner} if inner else {})}}
        terms = {self.column: {**body, **({"aggs": inner} if inner else {})}}
        return {f"{self.column}_nested": {"nested": {"path": self.nested_path}, "aggs": terms}}

    def buckets(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        if self.nested_path is not None:
            node = node[f"{self.column}_nested"]
        return list(node[self.column]["buckets"])

    def value(self, bucket: dict[str, Any]) -> Any:
        if self.column == "period":
            return date.fromisoformat(bucket["key_as_string"][:10])
        return bucket["key"]


def levels(where: Filter, by: Sequence[str], with_period: bool) -> list[Level]:
    film: dict[str, Any] = {"field": "about", "size": MAX_BUCKETS}
    if where.films:
        film["include"] = list(where.films)
    result = [Level("film", {"terms": film})]
    if with_period:
        histogram = {
            "field": "published_at",
            "calendar_interval": where.granularity,
            "time_zone": where.timezone,
            "min_doc_count": 1,
            "format": "yyyy-MM-dd",
        }
        result.append(Level("period", {"date_histogram": histogram}))
    for dimension in by:  # the nested aspect level must come last; `order_columns` restores order
        if dimension != "aspect":
            terms: dict[str, Any] = {"field": DIMENSION_FIELDS[dimension], "size": MAX_BUCKETS}
            if dimension == "country":
                terms["missing"] = "unknown"
            result.append(Level(dimension, {"terms": terms}))
    if "aspect" in by:
        aspect = {"terms": {"field": "aspects.aspect", "size": MAX_BUCKETS}}
        result.append(Level("aspect", aspect, nested_path="aspects"))
    return result


def aggregations(chain: list[Level]) -> dict[str, Any]:
    inner: dict[str, Any] | None = None
    for level in reversed(chain):
        inner = level.wrap(inner)
    return inner or {}


def rows(
    node: dict[str, Any], chain: list[Level], prefix: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """Flatten nested buckets into (value per level..., doc count) rows."""
    level, rest = chain[0], chain[1:]
    for bucket in level.buckets(node):
        key = (*prefix, level.value(bucket))
        if rest:
            yield from rows(bucket, rest, key)
        elif bucket["doc_count"]:
            yield (*key, bucket["doc_count"])
