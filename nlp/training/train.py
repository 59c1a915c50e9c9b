"""`filmbuzz train-sentiment`: fit the shipped sentiment models from the labelled corpora.

Recipe, per language with data (en, fr, es, pt: real people's film reviews and posts first,
other public corpora next, our own film posts a minority):
1. features of every training text (`nlp.model.featurize`, with the genres of its film where
   known, so genre praise reaches the model through the lexicon);
2. polarity head: L2 logistic regression (liblinear, balanced class weights) on pos/neg
   examples; real film text weighs most, then other short texts, then our film posts, then
   IMDB reviews, which count whole *and* cut into sentences, so the model has seen the length
   of a post as well as the length of a review;
3. subjectivity head: the same on neu vs pos+neg, without IMDB (it has no neutral class);
4. keep the `keep` strongest weights of each head, rounded to float16;
5. the neutral threshold that maximises macro-F1 on the language's val split;
6. the calibration layer (`nlp.calibration`), fitted per kind of text on the `calib` part of
   the real sets, the other corpora's val splits, our film posts' val split and the snapshot.
`xx`, for languages without a model, is the model of the two lexicon features alone, fitted on
the pooled en/fr/pt training data (lexicon scores are on one scale in every language).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from nlp.features import sentences
from nlp.lexicon import load_lexicon
from nlp.model import LEX_FEATURES, MODEL_DIR, Head, SentimentModel, featurize, model_path
from nlp.training.calibrate import calibrate
from nlp.training.data import BY_NAME, FILM_POSTS, Example, examples, tuning_examples
from nlp.training.metrics import macro_f1
from pipeline.config import load_config
from pipeline.starter import EXAMPLE_CONFIG

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Recipe:
    seed: int = 13
    polarity_c: float = 8.0
    subjectivity_c: float = 4.0
    keep: int = 60_000
    min_count: int = 2
    imdb_sentences: int = 6  # sentences taken from each IMDB training review
    min_words: int = 4
    short_weight: float = 6.0  # weight of short-text examples (tweets) against IMDB reviews
    real_weight: float = 12.0  # real people's film reviews and posts, labelled by their stars
    film_weight: float = 3.0  # our own film posts: a minority that teaches film vocabulary
    lex_scale: float = 2.0  # the lexicon features are multiplied by this while fitting


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    genres: frozenset[str]
    target: int
    weight: float


def polarity_rows(train: Sequence[Example], recipe: Recipe, rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for example in train:
        if example.label == "neu":
            continue
        target = int(example.label == "pos")
        if example.corpus != "imdb_en":
            rows.append(Row(example.text, example.genres, target, _weight(example, recipe)))
            continue
        rows.append(Row(example.text, example.genres, target, 1.0))
        cut = [example.text[a:b] for a, b in sentences(example.text)]
        cut = [s for s in cut if len(s.split()) >= recipe.min_words]
        picked = rng.sample(cut, min(len(cut), recipe.imdb_sentences))
        rows += [Row(s, example.genres, target, 1.0) for s in picked]
    rng.shuffle(rows)  # the IMDB file is sorted by label
    return rows


def subjectivity_rows(train: Sequence[Example], recipe: Recipe, rng: random.Random) -> list[Row]:
    rows = [
        Row(e.text, e.genres, int(e.label == "neu"), _weight(e, recipe))
        for e in train
        if e.corpus != "imdb_en"
    ]
    rng.shuffle(rows)
    return rows


def _weight(example: Example, recipe: Recipe) -> float:
    """A text's weight: real film text most, other short texts next, our own film posts a
    little (IMDB rows weigh 1)."""
    if example.corpus.startswith(FILM_POSTS):
        return recipe.film_weight
    return recipe.real_weight if BY_NAME[example.corpus].real else recipe.short_weight


class Matrix:
    """Feature dicts -> a sparse matrix over the features seen `min_count` times, some scaled."""

    def __init__(
        self, features: list[dict[str, float]], min_count: int, scale: dict[str, float]
    ) -> None:
        counts = Counter(name for row in features for name in row)
        names = sorted(n for n, c in counts.items() if c >= min_count or n in LEX_FEATURES)
        self.names = names
        index = {n: i for i, n in enumerate(names)}
        data, cols, ptr = [], [], [0]
        for row in features:
            for name, value in row.items():
                if (i := index.get(name)) is not None:
                    cols.append(i)
                    data.append(value * scale.get(name, 1.0))
            ptr.append(len(cols))
        self.x = csr_matrix((data, cols, ptr), shape=(len(features), len(names)), dtype=np.float64)


def fit_head(lang: str, rows: list[Row], c: float, recipe: Recipe) -> Head:
    lex = load_lexicon(lang)
    scale = dict.fromkeys(LEX_FEATURES, recipe.lex_scale)  # a larger scale, a weaker penalty
    matrix = Matrix([featurize(r.text, lex, r.genres) for r in rows], recipe.min_count, scale)
    model = LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced", random_state=recipe.seed, max_iter=200
    )
    model.fit(
        matrix.x,
        np.array([r.target for r in rows]),
        sample_weight=_mean_one(np.array([r.weight for r in rows])),
    )
    weights = model.coef_[0]
    strongest = np.argsort(-np.abs(weights))[: recipe.keep]
    kept = {matrix.names[i]: float(np.float16(weights[i])) for i in strongest if weights[i]}
    for name in LEX_FEATURES:  # always kept, in the units of the unscaled feature
        kept[name] = float(np.float16(weights[matrix.names.index(name)] * recipe.lex_scale))
    return Head(kept, float(model.intercept_[0]))


def tune_threshold(model: SentimentModel, val: Sequence[Example]) -> float:
    """The neutral threshold with the best mean macro-F1 over `val`'s corpora (so a small
    corpus of film posts counts as much as thousands of tweets); 0.5 when none has neutrals."""
    lex = load_lexicon(model.lang)
    by_corpus: dict[str, list[Example]] = {}
    for example in val:
        by_corpus.setdefault(example.corpus, []).append(example)
    scored = [
        ([featurize(e.text, lex, e.genres) for e in group], [e.label for e in group])
        for group in by_corpus.values()
        if any(e.label == "neu" for e in group)
    ]
    if not scored:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.2, 0.96, 0.025):
        model.neutral_threshold = float(threshold)
        f1 = sum(
            macro_f1(gold, [model.probabilities(f).label for f in feats]) for feats, gold in scored
        ) / len(scored)
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    model.neutral_threshold = round(best, 3)
    return best_f1


def train_language(folder: Path, lang: str, recipe: Recipe, progress: Progress) -> SentimentModel:
    rng = random.Random(recipe.seed)
    train = examples(folder, lang, "train")
    progress(f"{lang}: {len(train)} training examples")
    polarity = fit_head(lang, polarity_rows(train, recipe, rng), recipe.polarity_c, recipe)
    progress(f"{lang}: polarity head, {len(polarity.weights)} weights")
    subjectivity = fit_head(
        lang, subjectivity_rows(train, recipe, rng), recipe.subjectivity_c, recipe
    )
    progress(f"{lang}: subjectivity head, {len(subjectivity.weights)} weights")
    model = SentimentModel(lang, polarity, subjectivity, meta={"recipe": asdict(recipe)})
    val = [e for e in tuning_examples(folder, lang) if e.corpus != "imdb_en"]
    val_f1 = tune_threshold(model, val)
    model.meta["val_macro_f1"] = round(val_f1, 4)
    progress(f"{lang}: neutral threshold {model.neutral_threshold}, val macro-F1 {val_f1:.3f}")
    return model


def train_lexicon_only(folder: Path, lang: str, recipe: Recipe) -> SentimentModel:
    """A model of the lexicon features alone, fitted on every language that has data."""
    train = [e for lg in ("en", "fr", "pt") for e in _sample(folder, lg, "train", 8000, recipe)]
    heads = []
    for target in ("pos", "neu"):
        rows = [
            (_lex_row(e), int(e.label == target))
            for e in train
            if target == "neu" or e.label != "neu"
        ]
        model = LogisticRegression(C=1.0, class_weight="balanced", random_state=recipe.seed)
        model.fit(np.array([x for x, _ in rows]), np.array([y for _, y in rows]))
        heads.append(
            Head(
                dict(zip(LEX_FEATURES, map(float, model.coef_[0]), strict=True)),
                float(model.intercept_[0]),
            )
        )
    result = SentimentModel(
        lang, heads[0], heads[1], meta={"recipe": asdict(recipe), "lexicon_only": True}
    )
    val = [e for lg in ("en", "fr", "pt") for e in _sample(folder, lg, "tune", 1500, recipe)]
    result.meta["val_macro_f1"] = round(tune_threshold(result, val), 4)
    return result


def _lex_row(example: Example) -> list[float]:
    features = featurize(example.text, load_lexicon(example.lang), example.genres)
    return [features[name] for name in LEX_FEATURES]


def _sample(folder: Path, lang: str, split: str, size: int, recipe: Recipe) -> list[Example]:
    found = tuning_examples(folder, lang) if split == "tune" else examples(folder, lang, split)
    return random.Random(recipe.seed).sample(found, min(size, len(found)))


def train_all(
    folder: Path,
    target: Path = MODEL_DIR,
    langs: Sequence[str] = ("en", "fr", "pt", "es", "xx"),
    recipe: Recipe = Recipe(),
    progress: Progress = log.info,
) -> dict[str, dict[str, Any]]:
    """Train and save a model per language; returns each model's metadata."""
    written = {}
    for lang in langs:
        model = (
            train_lexicon_only(folder, lang, recipe)
            if lang == "xx"
            else train_language(folder, lang, recipe, progress)
        )
        model.save(model_path(lang, target))
        written[lang] = model.meta
        progress(f"{lang}: wrote {model_path(lang, target)}")
    used = calibrate(folder, target, load_config(EXAMPLE_CONFIG).films, recipe.seed)
    progress(f"calibration: fitted on {sum(used.values())} texts in {len(used)} groups")
    return written


def _mean_one(weights: np.ndarray) -> np.ndarray:
    """Sample weights scaled to a mean of 1: they set the corpora's shares of the loss, while C
    alone sets the regularisation, whatever the mix (Spanish is our film posts alone)."""
    return weights * (len(weights) / weights.sum())
