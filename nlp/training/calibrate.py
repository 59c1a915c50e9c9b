"""Fit the calibration layer (`nlp.calibration`) on labelled texts no model trained on.

Groups, each counting once in the objective: real text first — Letterboxd, Allociné and
muchocine reviews (the `calib` part of the real film sets), SemEval tweets (`val`), TASS
tweets (`calib`), Portuguese tweets and reviews (`val`) — then our own posts: the val split of
the film posts and the replay snapshot's labelled posts (social posts and news, titles blanked
as at run time). Every text is read by the freshly trained linear model of its language, as at
run time.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from spacy.language import Language

from nlp.calibration import CALIBRATION_FILE, Calibrator, Signals, kind_of_source
from nlp.components import CONTEXT_FILMS, opinion_text
from nlp.components.cues import intents_of
from nlp.folding import fold
from nlp.lexicon import load_lexicon
from nlp.model import SentimentModel, featurize, model_path
from nlp.pipeline import build_pipeline
from nlp.training.data import BY_NAME, FILM_POSTS, LANGUAGES, Example, read_corpus
from nlp.training.fit_calibration import Group, fit_calibrator
from pipeline.config import Film

# the replay snapshot, whose films are those of pipeline.starter.EXAMPLE_CONFIG
SNAPSHOT = Path(str(files("crawlers.replay") / "snapshot" / "posts.jsonl"))
GROUP_SIZE = 1500  # texts at most per group: big corpora would otherwise cost minutes


@dataclass(frozen=True, slots=True)
class LabelledText:
    text: str  # as the linear model reads it (tracked films' names blanked)
    lang: str
    kind: str
    genres: frozenset[str]
    rated: bool
    label: str


def real_groups(folder: Path, seed: int) -> dict[str, list[LabelledText]]:
    """The calibration parts of the public corpora, one group per corpus and kind."""
    groups: dict[str, list[LabelledText]] = {}
    for corpus in BY_NAME.values():
        if corpus.name.startswith(FILM_POSTS) or corpus.name == "imdb_en":
            continue
        split = "calib" if corpus.real else "val"
        for e in read_corpus(folder, corpus.name):
            if e.split == split:
                groups.setdefault(f"{corpus.name}/{e.kind}", []).append(_text(e))
    rng = random.Random(seed)
    return {k: rng.sample(v, min(len(v), GROUP_SIZE)) for k, v in groups.items()}


def own_groups(folder: Path, films: list[Film]) -> dict[str, list[LabelledText]]:
    posts = [
        _text(e)
        for lang in LANGUAGES
        for e in read_corpus(folder, FILM_POSTS + lang)
        if e.split == "val"
    ]
    found: dict[str, list[LabelledText]] = {"film_posts/social": posts}
    for post in snapshot_posts(SNAPSHOT, films):
        found.setdefault(f"snapshot/{post.kind}", []).append(post)
    return found


def _text(e: Example) -> LabelledText:
    return LabelledText(e.text, e.lang, e.kind, e.genres, False, e.label)


def snapshot_posts(snapshot: Path, films: list[Film]) -> list[LabelledText]:
    genres = {f.slug: frozenset(g.lower() for g in f.genres) for f in films}
    pipelines: dict[str, Language] = {}
    posts = []
    for line in snapshot.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if labels := row.get("labels"):
            film, lang = labels.get("film"), row["lang"]
            if lang not in pipelines:
                pipelines[lang] = build_pipeline(lang, films)
            opinion = blank_titles(pipelines[lang], row["text"], lang, [film] if film else [])
            posts.append(
                LabelledText(
                    opinion,
                    lang,
                    kind_of_source(row["source"]),
                    genres.get(film, frozenset()),
                    row.get("rating") is not None,
                    labels["sentiment"],
                )
            )
    return posts


def blank_titles(pipeline: Language, text: str, lang: str, films: list[str]) -> str:
    """`text` with the names of the films it is about blanked, as the pipeline does."""
    doc = pipeline.make_doc(text)
    doc._.buzz_lang = lang
    doc.user_data[CONTEXT_FILMS] = films
    return opinion_text(pipeline.get_pipe("buzz_film_mentions")(doc))


def signals_of(texts: Sequence[LabelledText], models: Path) -> list[Signals]:
    """What the calibrator sees of each text at run time."""
    loaded: dict[str, SentimentModel] = {}
    found = []
    for t in texts:
        if t.lang not in loaded:
            path = model_path(t.lang, models)
            loaded[t.lang] = SentimentModel.load(
                path if path.exists() else model_path("xx", models)
            )
        linear = loaded[t.lang].log_probabilities(featurize(t.text, load_lexicon(t.lang), t.genres))
        found.append(Signals(linear, t.kind, frozenset(_intents(t))))
    return found


def _intents(t: LabelledText) -> list[str]:
    found = intents_of(load_lexicon(t.lang), fold(t.text), t.rated)
    return [*found, "question"] if "?" in t.text else found


def calibrate(
    folder: Path,
    models: Path,
    films: list[Film],
    seed: int,
) -> dict[str, int]:
    """Fit and save the calibrator next to the models; returns the texts used per group."""
    texts = real_groups(folder, seed) | own_groups(folder, films)
    groups = [
        Group(name, signals_of(items, models), [t.label for t in items])
        for name, items in texts.items()
    ]
    calibrator: Calibrator = fit_calibrator(groups)
    calibrator.save(models / CALIBRATION_FILE)
    return {name: len(items) for name, items in texts.items()}
