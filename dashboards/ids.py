"""Component ids shared by the layouts, their callbacks and the browser tests: one constant each."""

from __future__ import annotations

# Film page
KPIS = "film-kpis"
MENTIONS_GRAPH = "film-mentions-graph"
SENTIMENT_GRAPH = "film-sentiment-graph"
ASPECTS_GRAPH = "film-aspects-graph"
INTENTS_GRAPH = "film-intents-graph"
DEMAND_MAP = "film-demand-map"
SOURCE_GRAPH = "film-source-graph"
LANGUAGE_GRAPH = "film-language-graph"
FILM_VOICE_GRAPH = "film-voice-graph"
SIGNALS_GRAPH = "film-signals-graph"
TOP_POSTS = "film-top-posts"

# Overview page
FILM_CARDS = "overview-film-cards"
VOICE_GRAPH = "overview-voice-graph"
CRAWL_HEALTH = "overview-crawl-health"
PERIOD = "overview-period"

# Compare page
COMPARE_GRAPH = "compare-graph"
COMPARE_TABLE = "compare-table"

# Posts page
POSTS_LIST = "posts-list"
POSTS_COUNT = "posts-count"
POSTS_TOTAL = "posts-total"
PAGER = "posts-pager"
POSTS_EXPORT = "posts-export"
POSTS_DOWNLOAD = "posts-download"

# Film page: why it moved, who carries the buzz
WHY = "film-why"
WHY_TERMS = "film-why-terms"
AUTHORS = "film-authors"
