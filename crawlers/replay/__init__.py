"""The replay site: a local HTTP server that serves a bundled snapshot in each source's real format.

Used by the tests and by `filmbuzz demo`, so both run with no network and no keys.
"""

from crawlers.replay.server import Fault, ReplaySite
from crawlers.replay.snapshot import Snapshot

__all__ = ["Fault", "ReplaySite", "Snapshot"]
