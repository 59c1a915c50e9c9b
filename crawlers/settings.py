"""Scrapy settings for every filmbuzz spider: read here, in one place.

Polite by default (DESIGN.md §4). `crawlers.runner` adds the run's own values: the config path,
the data folder, the User-Agent with the project's contact, and a host map that points real
hosts at a replay site in tests and in `filmbuzz demo`.
"""

from __future__ import annotations

BOT_NAME = "filmbuzz"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay drawn from 0.5–1.5 × DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# TLS certificates are checked (Scrapy's default is not to).
DOWNLOAD_VERIFY_CERTIFICATES = True
# The cache only keeps 200 answers to requests a spider marks `meta["cache"]` (never errors,
# never authenticated calls); the runner puts it under the data folder.
HTTPCACHE_ENABLED = (
    False  # on with `filmbuzz crawl --http-cache` (see README); policy below either way
)
HTTPCACHE_POLICY = "crawlers.cache.SuccessOnlyPolicy"
HTTPCACHE_EXPIRATION_SECS = 30 * 24 * 3600
HTTPCACHE_DIR = "data/cache/http"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"

# Downloader middlewares: the current token on authenticated calls (545, before retries copy
# the request), and per-host pauses when a site asks us to wait (560, sees a 429 before Retry).
DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.auth.AuthMiddleware": 545,
    "crawlers.middlewares.ratelimit.RateLimitMiddleware": 560,
}

# Item pipelines, in order: check and normalise, drop repeats within the crawl, write the raw lake.
ITEM_PIPELINES = {
    "crawlers.pipelines.validate.ValidatePipeline": 100,
    "crawlers.pipelines.dedupe.DedupePipeline": 200,
    "crawlers.pipelines.lake_writer.LakeWriterPipeline": 800,
}

FILMBUZZ_CONFIG = "filmbuzz.toml"
FILMBUZZ_DATA_DIR = "data"
FILMBUZZ_HOST_MAP: dict[str, str] = {}
FILMBUZZ_FLUSH_ITEMS = 500
FILMBUZZ_MAX_WAIT = 300.0  # the longest a host is paused for at once, whatever it asks
FILMBUZZ_BACKOFF = 10.0  # first pause after a 429 that says nothing; doubles on each repeat
