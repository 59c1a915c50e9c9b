"""Store filters and groupings as Elasticsearch queries and aggregations, and back to rows.

Only plain bucket aggregations are used (terms, date_histogram, nested): no point in time,
no pipeline aggregations, no scripts, so the same queries run on OpenSearch and osmem.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.stores.base import AuthorRank, Filter, utc_bounds
from pipeline.stores.words import STEMMED, WordMatch, word_matches

MAX_BUCKETS = 10_000
DIMENSION_FIELDS = {
    "source": "source",
    "lang": "language",
    "sentiment": "sentiment_label",
    "country": "country",
    "intent": "intents",
}
NESTED_FIELDS = {"aspect": "aspects.aspect", "aspect_sentiment": "aspects.label"}


def filter_query(where: Filter) -> dict[str, Any]:
    """The filter as a bool query; dates are whole local days in the filter's time zone."""
    clauses: list[dict[str, Any]] = []
    for field, values in (
        ("about", where.films),
        ("source", where.sources),
        ("language", where.languages),
        ("country", where.countries),
        ("sentiment_label", where.sentiments),
        ("author", where.authors),
        ("intents", where.intents),  # any of them
    ):
        if values:
            clauses.append({"terms": {field: list(values)}})
    start, end = utc_bounds(where)
    span = {op: t.isoformat() for op, t in (("gte", start), ("lt", end)) if t}
    if span:
        clauses.append({"range": {"published_at": span}})
    if where.min_engagement is not None:
        clauses.append({"range": {"engagement": {"gte": where.min_engagement}}})
    if where.on_aspects:
        clauses.append(_aspect_query(where))
    clauses += [_word_query(match) for match in word_matches(where.text)]
    return {"bool": {"filter": clauses}}


def _aspect_query(where: Filter) -> dict[str, Any]:
    """One aspect of the post has one of the names and one of the labels (nested: the same one)."""
    tests = [
        {"terms": {f"aspects.{field}": list(values)}}
        for field, values in (("aspect", where.aspects), ("label", where.aspect_sentiments))
        if values
    ]
    return {"nested": {"path": "aspects", "query": {"bool": {"filter": tests}}}}


def _word_query(match: WordMatch) -> dict[str, Any]:
    """The post holds the word's stem in its own language (the word itself in the others)."""
    should: list[dict[str, Any]] = [
        {"bool": {"filter": [{"terms": {"language": list(langs)}}, {"term": {"stems": stem}}]}}
        for stem, langs in match.by_stem
    ]
    other = {
        "filter": [{"term": {"stems": match.plain}}],
        "must_not": [{"terms": {"language": list(STEMMED)}}],
    }
    should.append({"bool": other})
    return {"bool": {"should": should, "minimum_should_match": 1}}


AUTHOR_METRICS = {"posts": "_count", "engagement": "engagement", "reach": "followers"}


def author_aggregations(rank: AuthorRank, limit: int) -> dict[str, Any]:
    """Per source, its top `limit` authors by `rank`, with summed engagement and followers."""
    metrics = {
        "engagement": {"sum": {"field": "engagement"}},
        "followers": {"max": {"field": "followers"}},
    }
    keys = dict.fromkeys([AUTHOR_METRICS[rank], "_count", "engagement"])
    order = [*({key: "desc"} for key in keys), {"_key": "asc"}]
    authors = {"terms": {"field": "author", "size": limit, "order": order}, "aggs": metrics}
    return {
        "source": {"terms": {"field": "source", "size": MAX_BUCKETS}, "aggs": {"author": authors}}
    }


def author_rows(node: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """(source, author, posts, engagement, followers) from `author_aggregations`' buckets."""
    for source in node["source"]["buckets"]:
        for author in source["author"]["buckets"]:
            followers = author["followers"]["value"]
            yield (
                source["key"],
                author["key"],
                author["doc_count"],
                int(author["engagement"]["value"] or 0),
                int(followers) if followers is not None else None,
            )


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
    for dimension in by:  # nested aspect levels come last; the store puts the columns in order
        if dimension not in NESTED_FIELDS:
            terms: dict[str, Any] = {"field": DIMENSION_FIELDS[dimension], "size": MAX_BUCKETS}
            if dimension == "country":
                terms["missing"] = "unknown"
            result.append(Level(dimension, {"terms": terms}))
    nested = [d for d in NESTED_FIELDS if d in by]
    for index, dimension in enumerate(nested):  # only the first one enters the nested documents
        body = {"terms": {"field": NESTED_FIELDS[dimension], "size": MAX_BUCKETS}}
        result.append(Level(dimension, body, nested_path="aspects" if index == 0 else None))
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
