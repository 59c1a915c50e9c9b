"""Stores: indexes built from the lake. `open_store` picks the one the config names."""

from __future__ import annotations

from pipeline.config import Config
from pipeline.stores.base import Filter, Store


def open_store(config: Config, read_only: bool = False) -> Store:
    """The configured store; `read_only` matters for the embedded one (dashboards, exports)."""
    if config.store.backend == "embedded":
        from pipeline.stores.embedded import EmbeddedStore

        return EmbeddedStore(config.data_dir / "store.duckdb", read_only=read_only)
    from pipeline.stores.elasticsearch import ElasticsearchStore

    return ElasticsearchStore(config.store.elasticsearch, read_only=read_only)


__all__ = ["Filter", "Store", "open_store"]
