"""The optional browser-impersonating download handler (`scrapy-impersonate`, for Cloudflare).

Enabled per source with `impersonate = "chrome"`; installed with `pip install 'filmbuzz[impersonate]'`.
Without the package the source is crawled with Scrapy's own client and one line says why.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

from pipeline.config import Config

logger = logging.getLogger(__name__)
HANDLER = "scrapy_impersonate.ImpersonateDownloadHandler"


def installed() -> bool:
    return importlib.util.find_spec("scrapy_impersonate") is not None


def impersonation_settings(config: Config, source: str) -> dict[str, Any]:
    """Settings for `source`'s crawler: the impersonating handlers when asked for and available."""
    browser = getattr(getattr(config.sources, source, None), "impersonate", None)
    if not browser:
        return {}
    if not installed():
        logger.warning(
            "%s: impersonate = %r needs the optional extra: pip install 'filmbuzz[impersonate]'; "
            "crawling with the plain client (Cloudflare may answer 403)",
            source,
            browser,
        )
        return {}
    return {"DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER}}


def request_meta(browser: str | None) -> dict[str, Any]:
    """What a spider adds to each request's meta so the handler impersonates `browser`."""
    return {"impersonate": browser} if browser and installed() else {}
