"""Stage `listen`: follow a live stream (Bluesky's Jetstream) for a while, into the raw lake."""

from __future__ import annotations

import asyncio
import re

from crawlers.cursors import CursorStore
from crawlers.hosts import HostMap
from crawlers.jetstream import JetstreamListener, ListenStats
from crawlers.runner import user_agent
from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.lake import Lake
from pipeline.stages.sources import record_runs

LISTENERS = ("bluesky",)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '30s', '10m', '1h30m', '2d' -> seconds."""
    compact = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(compact)
    if not compact or not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"{text!r} is not a duration like 30s, 10m, 1h30m")
    return sum(float(n) * _SECONDS[u] for n, u in parts)


def listen(
    config: Config, source: str, seconds: float, host_map: dict[str, str] | None = None
) -> ListenStats:
    """Listen to `source`'s stream for `seconds`; returns what was seen and written."""
    if source not in LISTENERS:
        raise ConfigError(
            f"no live stream for {source!r}; sources with one: {', '.join(LISTENERS)}"
        )
    options = config.sources.bluesky
    url = HostMap(host_map).url(f"wss://{options.jetstream}/subscribe")
    state = config.data_dir / "state"
    listener = JetstreamListener(
        url.split("?")[0],
        config.films,
        Lake(config.data_dir / "lake"),
        CursorStore(state / "cursors-bluesky-jetstream.json"),
        user_agent(config),
    )
    stats = asyncio.run(listener.run(seconds))
    run = {"posts": stats.written, "signals": 0, "errors": stats.errors}
    lines = [f"bluesky:jetstream: {stats.last_error}"] if stats.last_error else []
    record_runs(state, {"bluesky:jetstream": run}, {}, lines)
    return stats
