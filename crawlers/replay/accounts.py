"""What `filmbuzz demo` needs to show every source: fake credentials, accepted only by the
replayed services, and a config with every source turned on.

The demo puts the credentials in the crawl's environment so keyed sources run with no real
secret; tests pass their own to `ReplaySite(credentials=...)`.
"""

from __future__ import annotations

import re

DEMO_ENV: dict[str, str] = {
    "FILMBUZZ_REDDIT_CLIENT_ID": "demo-reddit-client",
    "FILMBUZZ_REDDIT_CLIENT_SECRET": "demo-reddit-secret",
    "FILMBUZZ_BLUESKY_HANDLE": "filmbuzz-demo.bsky.social",
    "FILMBUZZ_BLUESKY_APP_PASSWORD": "demo-app-password",
    "FILMBUZZ_YOUTUBE_API_KEY": "demo-youtube-key",
    "FILMBUZZ_X_BEARER_TOKEN": "demo-x-bearer",
    "FILMBUZZ_TMDB_API_KEY": "demo-tmdb-api-key",
}
# accepted by the replayed TMDB too, but not given to the demo (which uses the v3 key)
REPLAY_TMDB_READ_TOKEN = "demo-tmdb-read-token"

_DISABLED = re.compile(r"^enabled\s*=\s*false\b", re.MULTILINE)


def enable_all_sources(config_text: str) -> str:
    """The config text with every `enabled = false` turned on."""
    return _DISABLED.sub("enabled = true", config_text)
