"""Errors of the NLP package."""

from __future__ import annotations


class LexiconError(ValueError):
    """A lexicon file is missing or malformed: the message names the file and the key."""
