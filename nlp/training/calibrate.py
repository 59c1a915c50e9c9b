"""Fit the calibration layer (`nlp.calibration`) on the replay snapshot's labelled posts.

Each post is scored by the freshly trained model of its declared language, with the genres of
its labelled film (what the mentions component finds at run time) and the intents the lexicon
finds; the calibrator learns how those signals map to the post's labelled sentiment.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from nlp.calibration import CALIBRATION_FILE, Calibrator, Signals, fit_calibrator
from nlp.components.cues import intents_of
from nlp.folding import fold
from nlp.lexicon import load_lexicon
from nlp.model import LEX_FEATURES, SentimentModel, featurize, model_path
from pipeline.config import Film

# the replay snapshot and the config whose films it talks about (in a source checkout)
EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "filmbuzz.example.toml"
SNAPSHOT = Path(str(files("crawlers.replay") / "snapshot" / "posts.jsonl"))


def snapshot_signals(
    snapshot: Path, models: Path, films: list[Film]
) -> tuple[list[Signals], list[str]]:
    genres = {f.slug: frozenset(g.lower() for g in f.genres) for f in films}
    loaded: dict[str, SentimentModel] = {}
    signals, labels = [], []
    for line in snapshot.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row.get("labels"):
            continue
        lang = row["lang"]
        path = model_path(lang, models)
        if lang not in loaded:
            loaded[lang] = SentimentModel.load(path if path.exists() else model_path("xx", models))
        model, lex = loaded[lang], load_lexicon(lang)
        film = row["labels"].get("film")
        features = featurize(row["text"], lex, genres.get(film, frozenset()))
        polarity, subjectivity = model.logits(features)
        subjectivity -= model.neutral_offset
        intents = intents_of(lex, fold(row["text"]), row.get("rating") is not None)
        lex_pos, lex_neg = (features[name] for name in LEX_FEATURES)
        signals.append(
            Signals(polarity, subjectivity, lex_pos, lex_neg, row["text"], frozenset(intents))
        )
        labels.append(row["labels"]["sentiment"])
    return signals, labels


def calibrate(snapshot: Path, models: Path, films: list[Film], seed: int) -> int:
    """Fit and save the calibrator next to the models; returns the number of posts used."""
    signals, labels = snapshot_signals(snapshot, models, films)
    calibrator: Calibrator = fit_calibrator(signals, labels, seed)
    calibrator.save(models / CALIBRATION_FILE)
    return len(labels)
