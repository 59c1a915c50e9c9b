"""Where each real host is reached: itself, or a stand-in (the replay site) named in settings."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class HostMap:
    """Rewrites `https://host/path` to a configured base URL for that host, if any."""

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self.mapping = {host.lower(): base.rstrip("/") for host, base in (mapping or {}).items()}

    def url(self, real_url: str) -> str:
        parts = urlsplit(real_url)
        base = self.mapping.get(parts.netloc.lower())
        if base is None:
            return real_url
        target = urlsplit(base)
        return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))
