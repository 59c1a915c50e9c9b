"""Stores: indexes built from the lake. `open_store` picks the one the config names."""

from __future__ import annotations

from pipeline.config import Config
from pipeline.errors import StoreError
from pipeline.stores.base import Filter, Store


def open_store(config: Config, read_only: bool = False) -> Store:
    if config.store.backend == "embedded":
        from pipeline.stores.embedded import EmbeddedStore

        return EmbeddedStore(config.data_dir / "store.duckdb", read_only=read_only)
    raise StoreError(
        f'{config.path}: store.backend = {config.store.backend!r} is not available yet; use "embedded"'
    )


__all__ = ["Filter", "Store", "open_store"]
