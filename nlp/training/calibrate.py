"""Fit the calibration layer (`nlp.calibration`) on labelled posts the models never trained on.

Those are the replay snapshot's labelled posts and the val split of our own film posts
(`nlp/training/film_posts/`). Each post is scored by the freshly trained model of its language,
with the genres of its film (what the mentions component finds at run time) and the intents the
lexicon finds; the calibrator learns how those signals map to the post's labelled sentiment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from spacy.language import Language

from nlp.calibration import CALIBRATION_FILE, Calibrator, Signals, fit_calibrator
from nlp.components import CONTEXT_FILMS, opinion_text
from nlp.components.cues import intents_of
from nlp.folding import fold
from nlp.lexicon import load_lexicon
from nlp.model import LEX_FEATURES, SentimentModel, featurize, model_path
from nlp.pipeline import build_pipeline
from nlp.training.data import CORPORA, FILM_POSTS, examples
from pipeline.config import Film

# the replay snapshot, whose films are those of pipeline.starter.EXAMPLE_CONFIG
SNAPSHOT = Path(str(files("crawlers.replay") / "snapshot" / "posts.jsonl"))


@dataclass(frozen=True, slots=True)
class LabelledPost:
    text: str
    lang: str
    genres: frozenset[str]
    rated: bool
    label: str
    opinion: str  # the text as the sentiment reads it: the tracked films' names blanked


def snapshot_posts(snapshot: Path, films: list[Film]) -> list[LabelledPost]:
    genres = {f.slug: frozenset(g.lower() for g in f.genres) for f in films}
    pipelines: dict[str, Language] = {}
    posts = []
    for line in snapshot.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if labels := row.get("labels"):
            film = labels.get("film")
            lang = row["lang"]
            if lang not in pipelines:
                pipelines[lang] = build_pipeline(lang, films)
            opinion = blank_titles(pipelines[lang], row["text"], lang, [film] if film else [])
            rated = row.get("rating") is not None
            film_genres = genres.get(film, frozenset())
            posts.append(
                LabelledPost(row["text"], lang, film_genres, rated, labels["sentiment"], opinion)
            )
    return posts


def blank_titles(pipeline: Language, text: str, lang: str, films: list[str]) -> str:
    """`text` with the names of the films it is about blanked, as the pipeline does."""
    doc = pipeline.make_doc(text)
    doc._.buzz_lang = lang
    doc.user_data[CONTEXT_FILMS] = films
    return opinion_text(pipeline.get_pipe("buzz_film_mentions")(doc))


def film_post_val(folder: Path) -> list[LabelledPost]:
    """The val split of our film posts; the films they name are not tracked, so nothing is
    blanked, as at run time for a film outside the config."""
    return [
        LabelledPost(e.text, e.lang, e.genres, False, e.label, e.text)
        for lang in CORPORA
        for e in examples(folder, lang, "val")
        if e.corpus.startswith(FILM_POSTS)
    ]


def post_signals(posts: list[LabelledPost], models: Path) -> list[Signals]:
    loaded: dict[str, SentimentModel] = {}
    signals = []
    for post in posts:
        path = model_path(post.lang, models)
        if post.lang not in loaded:
            fallback = model_path("xx", models)
            loaded[post.lang] = SentimentModel.load(path if path.exists() else fallback)
        model, lex = loaded[post.lang], load_lexicon(post.lang)
        features = featurize(post.opinion, lex, post.genres)
        polarity, subjectivity = model.logits(features)
        subjectivity -= model.neutral_offset
        intents = frozenset(intents_of(lex, fold(post.text), post.rated))
        lex_pos, lex_neg = (features[name] for name in LEX_FEATURES)
        signals.append(Signals(polarity, subjectivity, lex_pos, lex_neg, post.opinion, intents))
    return signals


def calibrate(folder: Path, models: Path, films: list[Film], seed: int) -> int:
    """Fit and save the calibrator next to the models; returns the number of posts used."""
    posts = snapshot_posts(SNAPSHOT, films) + film_post_val(folder)
    signals, labels = post_signals(posts, models), [p.label for p in posts]
    calibrator: Calibrator = fit_calibrator(signals, labels, seed)
    calibrator.save(models / CALIBRATION_FILE)
    return len(labels)
