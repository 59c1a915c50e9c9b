"""Sentiment on the reported splits of the corpora (never used to train or tune anything).

Real text first: the `val` splits of the real film sets (Letterboxd, Allociné, muchocine and
TASS, labelled by their authors' stars), then SemEval-2017's test tweets, IMDB's test reviews,
Allociné's and the Portuguese held-back parts. Each text goes through its language's pipeline
as a post of its kind (a review site's review, a social post), so the numbers are those of
the shipped `buzz_sentiment` component. Corpora with a neutral class are scored on the three
labels (a `neu` answer to a pos/neg text is wrong); IMDB, which has none, on the sign of the
score (pos when score >= 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.components import SOURCE
from nlp.pipeline import build_pipeline
from nlp.training.data import BY_NAME, CORPORA, Example, reported_examples
from nlp.training.metrics import accuracy, macro_f1

BATCH = 256
KIND_SOURCE = {"review": "letterboxd", "news": "feeds", "social": None}


@dataclass(frozen=True, slots=True)
class CorpusScore:
    corpus: str
    lang: str
    split: str
    examples: int
    labels: str  # "3-way" | "binary (sign of score)"
    accuracy: float
    macro_f1: float
    neu_found: float  # share of `neu` answers
    neu_true: float  # share of `neu` labels

    @property
    def real(self) -> bool:
        return BY_NAME[self.corpus].real


def predict(lang: str, texts: Sequence[str], kinds: Sequence[str]) -> list[tuple[str, float]]:
    """(label, score) of each text by the `buzz_sentiment` component of `lang`'s pipeline."""
    pipeline = build_pipeline(lang, [])
    found = []
    with pipeline.select_pipes(enable=["buzz_sentiment"]):
        for start in range(0, len(texts), BATCH):
            docs = [pipeline.make_doc(t) for t in texts[start : start + BATCH]]
            for doc, kind in zip(docs, kinds[start : start + BATCH], strict=True):
                doc._.buzz_lang = lang
                doc.user_data[SOURCE] = KIND_SOURCE[kind]
            for doc in pipeline.pipe(docs, batch_size=BATCH):
                found.append((doc._.buzz_sentiment["label"], doc._.buzz_sentiment["score"]))
    return found


def score_corpus(corpus: str, examples: Sequence[Example]) -> CorpusScore:
    info = BY_NAME[corpus]
    gold = [e.label for e in examples]
    found = predict(info.lang, [e.text for e in examples], [e.kind for e in examples])
    labels = [label for label, _ in found]
    if "neu" in gold:
        predicted, kind = labels, "3-way"
    else:
        predicted, kind = ["pos" if s >= 0 else "neg" for _, s in found], "binary (sign of score)"
    return CorpusScore(
        corpus,
        info.lang,
        str(info.reported),
        len(gold),
        kind,
        accuracy(gold, predicted),
        macro_f1(gold, predicted),
        labels.count("neu") / len(labels) if labels else 0.0,
        gold.count("neu") / len(gold) if gold else 0.0,
    )


REPORTED = tuple(c.name for c in CORPORA if c.reported)


def evaluate_corpora(folder: Path, corpora: Sequence[str] = REPORTED) -> list[CorpusScore]:
    """Real film text first, then the general corpora."""
    ordered = sorted(corpora, key=lambda c: (not BY_NAME[c].real, REPORTED.index(c)))
    return [score_corpus(c, reported_examples(folder, c)) for c in ordered]
