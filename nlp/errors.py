"""Errors of the NLP package."""

from __future__ import annotations


class NLPError(ValueError):
    """Base of the NLP package's errors; the CLI prints the message as one line."""


class LexiconError(NLPError):
    """A lexicon file is missing or malformed: the message names the file and the key."""


class ModelError(NLPError):
    """A trained model file is missing or unreadable: the message names the file."""


class DataError(NLPError):
    """Training or evaluation data is missing or malformed: the message names the file and line."""
