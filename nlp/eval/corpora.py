"""Sentiment on the held-out test splits of the training corpora (never used to train or tune).

Each text goes through its language's pipeline with the language given, so the numbers are
those of the shipped `buzz_sentiment` component. Corpora with a neutral class are scored on the
three labels; IMDB, which has none, on the sign of the score (pos when score >= 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.pipeline import build_pipeline
from nlp.training.data import TEST_SETS, Example, test_examples
from nlp.training.metrics import accuracy, macro_f1

BATCH = 256


@dataclass(frozen=True, slots=True)
class CorpusScore:
    corpus: str
    lang: str
    examples: int
    labels: str  # "3-way" | "binary (sign of score)"
    accuracy: float
    macro_f1: float


def predict(lang: str, texts: Sequence[str]) -> list[tuple[str, float]]:
    """(label, score) of each text by the `buzz_sentiment` component of `lang`'s pipeline."""
    pipeline = build_pipeline(lang, [])
    found = []
    with pipeline.select_pipes(enable=["buzz_sentiment"]):
        for start in range(0, len(texts), BATCH):
            docs = [pipeline.make_doc(t) for t in texts[start : start + BATCH]]
            for doc in docs:
                doc._.buzz_lang = lang
            for doc in pipeline.pipe(docs):
                found.append((doc._.buzz_sentiment["label"], doc._.buzz_sentiment["score"]))
    return found


def score_corpus(corpus: str, lang: str, examples: Sequence[Example]) -> CorpusScore:
    gold = [e.label for e in examples]
    found = predict(lang, [e.text for e in examples])
    if "neu" in gold:
        predicted = [label for label, _ in found]
        labels = "3-way"
    else:
        predicted = ["pos" if s >= 0 else "neg" for _, s in found]
        labels = "binary (sign of score)"
    return CorpusScore(
        corpus, lang, len(gold), labels, accuracy(gold, predicted), macro_f1(gold, predicted)
    )


def evaluate_corpora(folder: Path, corpora: Sequence[str] = tuple(TEST_SETS)) -> list[CorpusScore]:
    return [score_corpus(c, TEST_SETS[c], test_examples(folder, c)) for c in corpora]
