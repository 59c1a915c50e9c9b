"""Component ids shared by the layouts and their callbacks: one constant each, no typos."""

from __future__ import annotations

# Film page
FILM_SLUG = "film-slug"
DATE_RANGE = "film-date-range"
SOURCES = "film-sources"
KPIS = "film-kpis"
MENTIONS_GRAPH = "film-mentions-graph"
SENTIMENT_GRAPH = "film-sentiment-graph"
SOURCE_GRAPH = "film-source-graph"
LANGUAGE_GRAPH = "film-language-graph"
FILM_VOICE_GRAPH = "film-voice-graph"
TOP_POSTS = "film-top-posts"

# Overview page
FILM_CARDS = "overview-film-cards"
VOICE_GRAPH = "overview-voice-graph"
