"""Builds the spaCy pipelines (one tokenizer per language) and analyses posts in batches.

Languages are detected for a whole batch first, then each language's posts go through that
language's pipeline with `nlp.pipe`, so tokenisation and lexicons fit the text.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlp.factories  # noqa: F401 — registers the factories
from nlp.bounds import (
    DETECT_CHARS,
    TRUNCATED,
    Bounded,
    bound_text,
    bound_tokenizer,
    bounded_doc,
    restore_offsets,
)
from nlp.components import AUTHOR_LOCATION, CONTEXT_FILMS, DECLARED_LANG, RATING, SOURCE
from nlp.components.language import detect
from nlp.folding import normalise_text
from pipeline.config import Film

TOKENIZER_LANGUAGES = frozenset({"en", "fr", "pt", "es", "de", "it", "nl"})
COMPONENTS = (
    "buzz_language",
    "buzz_film_mentions",
    "buzz_sentiment",
    "buzz_cues",
    "buzz_territory",
)


@dataclass(slots=True)
class PostInput:
    """What the analyzer reads of a post; everything but `text` is optional context."""

    text: str
    lang: str | None = None
    source: str | None = None
    films: list[str] = field(default_factory=list)
    rating: float | None = None
    title: str | None = None
    author_location: str | None = None  # as the source gives it ('São Paulo, Brasil')

    @property
    def full_text(self) -> str:
        return (
            f"{self.title}\n{self.text}"
            if self.title and self.title not in self.text
            else self.text
        )


@dataclass(slots=True)
class Analysis:
    lang: str
    mentions: list[dict[str, Any]]
    about: list[str]
    sentiment_label: str
    sentiment_score: float
    aspects: list[dict[str, Any]]
    intents: list[str]
    country: str | None
    places: list[str]
    truncated: bool = False  # the NLP read only the first MAX_NLP_CHARS characters
    failed: str | None = None  # why the NLP could not analyse this post (the rest is empty)


def failed_analysis(reason: str) -> Analysis:
    return Analysis("und", [], [], "neu", 0.0, [], [], None, [], failed=reason)


def film_catalogue(films: Iterable[Film]) -> list[dict[str, Any]]:
    return [
        {
            **f.model_dump(include={"slug", "title", "titles", "aliases", "genres"}),
            "people": list(dict.fromkeys([*f.people, *f.cast])),
            "cast": list(f.cast),
            "event_places": [e.place for e in f.events if e.place],
        }
        for f in films
    ]


def build_pipeline(lang: str, films: Iterable[Film]) -> Language:
    """A blank tokenizer for `lang` (multi-language for others) with our components, initialised."""
    pipeline = bound_tokenizer(spacy.blank(lang if lang in TOKENIZER_LANGUAGES else "xx"))
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    catalogue = film_catalogue(films)
    mentions: Any = pipeline.get_pipe("buzz_film_mentions")
    sentiment: Any = pipeline.get_pipe("buzz_sentiment")
    mentions.initialize(films=catalogue)
    for name in ("buzz_cues", "buzz_territory"):
        component: Any = pipeline.get_pipe(name)
        component.initialize(films=catalogue)
    sentiment.initialize(genres={f["slug"]: f["genres"] for f in catalogue}, nlp=pipeline)
    return pipeline


class Analyzer:
    """Analyses posts for a set of films; pipelines are built once per language and reused."""

    def __init__(self, films: Iterable[Film], batch_size: int = 512, n_process: int = 1) -> None:
        self.films = list(films)
        self.batch_size = batch_size
        self.n_process = n_process
        self._pipelines: dict[str, Language] = {}

    def pipeline(self, lang: str) -> Language:
        key = lang if lang in TOKENIZER_LANGUAGES else "xx"
        if key not in self._pipelines:
            self._pipelines[key] = build_pipeline(key, self.films)
        return self._pipelines[key]

    def analyze(self, posts: Iterable[PostInput]) -> Iterator[Analysis]:
        """One Analysis per post, in order; memory stays bounded by the batch size.

        With `n_process` > 1, batches go to that many worker processes, each building its own
        pipelines; two batches per worker are in flight, so workers keep busy while the caller
        handles results, and memory stays bounded. Workers are spawned, not forked: lingua's
        thread pool does not survive a fork.
        """
        iterator = iter(posts)
        if self.n_process <= 1:
            while batch := list(islice(iterator, self.batch_size)):
                yield from self._analyze_batch(batch)
            return
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.n_process, _start_worker, (self.films, self.batch_size)) as pool:
            in_flight: deque[AsyncResult[list[Analysis]]] = deque()
            while batch := list(islice(iterator, self.batch_size)):
                in_flight.append(pool.apply_async(_analyze_in_worker, (batch,)))
                if len(in_flight) >= 2 * self.n_process:
                    yield from in_flight.popleft().get()
            while in_flight:
                yield from in_flight.popleft().get()

    def _analyze_batch(self, batch: list[PostInput]) -> list[Analysis]:
        """One post that makes the NLP raise fails alone: the batch is retried post by post."""
        try:
            return self._analyze_bounded(
                batch, [bound_text(normalise_text(p.full_text)) for p in batch]
            )
        except Exception as exc:  # any bug or library error on one odd post
            if len(batch) == 1:
                return [failed_analysis(f"{type(exc).__name__}: {exc}".splitlines()[0][:300])]
            return [a for post in batch for a in self._analyze_batch([post])]

    def _analyze_bounded(self, batch: list[PostInput], texts: list[Bounded]) -> list[Analysis]:
        langs = detect([t.text[:DETECT_CHARS] for t in texts], [p.lang for p in batch])
        groups: dict[str, list[int]] = defaultdict(list)
        for index, lang in enumerate(langs):
            groups[lang if lang in TOKENIZER_LANGUAGES else "xx"].append(index)
        results: list[Analysis | None] = [None] * len(batch)
        for key, indexes in groups.items():
            pipeline = self.pipeline(key)
            docs = [self._doc(pipeline, batch[i], texts[i].text, langs[i]) for i in indexes]
            for index, doc in zip(
                indexes,
                pipeline.pipe(docs, batch_size=self.batch_size),
                strict=True,
            ):
                analysis = to_analysis(doc)
                analysis.mentions = restore_offsets(analysis.mentions, texts[index])
                analysis.truncated = texts[index].truncated or TRUNCATED in doc.user_data
                results[index] = analysis
        return [r for r in results if r is not None]

    @staticmethod
    def _doc(pipeline: Language, post: PostInput, text: str, lang: str) -> Doc:
        doc = bounded_doc(pipeline, text)
        doc._.buzz_lang = lang
        doc.user_data.update(
            {
                DECLARED_LANG: post.lang,
                CONTEXT_FILMS: list(post.films),
                SOURCE: post.source,
                RATING: post.rating,
                AUTHOR_LOCATION: post.author_location,
            }
        )
        return doc


_worker: Analyzer | None = None


def _start_worker(films: list[Film], batch_size: int) -> None:
    global _worker
    _worker = Analyzer(films, batch_size)


def _analyze_in_worker(batch: list[PostInput]) -> list[Analysis]:
    assert _worker is not None, "worker not started"
    return _worker._analyze_batch(batch)


def to_analysis(doc: Doc) -> Analysis:
    ext = doc._  # each `doc._` builds a new accessor: take it once
    sentiment = ext.buzz_sentiment
    return Analysis(
        lang=ext.buzz_lang,
        mentions=ext.buzz_mentions,
        about=ext.buzz_about,
        sentiment_label=sentiment["label"],
        sentiment_score=sentiment["score"],
        aspects=ext.buzz_aspects,
        intents=ext.buzz_intents,
        country=ext.buzz_country,
        places=ext.buzz_places or [],
    )
