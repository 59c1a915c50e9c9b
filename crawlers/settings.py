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
RANDOMIZE_DOWNLOAD_DELAY = True
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
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"

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
