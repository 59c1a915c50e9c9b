"""The common recipe the NLP benchmark compares against: an `en_core_web_sm` pipeline plus VADER.

`en_core_web_sm` is not on PyPI, so when it is not installed the benchmark builds a pipeline of
the same shape from spaCy's own `efficiency` recipe for English (the one `en_core_web_sm` is
trained with): a CNN tok2vec, tagger, dependency parser and NER, with en_core_web_sm's label
sets. Its weights are untrained, which changes what the tagger, parser and NER output but not
what they compute, so its speed stands for the trained pipeline's; the sentiment it adds is
VADER's, which reads the raw text, so the accuracies are those of the real recipe too.
"""

from __future__ import annotations

from typing import Any

import spacy
from spacy.cli.init_config import init_config
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

VADER_THRESHOLD = 0.05  # the cut-off VADER's authors recommend for neutral
# en_core_web_sm 3.x label sets (OntoNotes 5 / ClearNLP)
TAGS = [
    "$",
    "''",
    ",",
    "-LRB-",
    "-RRB-",
    ".",
    ":",
    "ADD",
    "AFX",
    "CC",
    "CD",
    "DT",
    "EX",
    "FW",
    "HYPH",
    "IN",
    "JJ",
    "JJR",
    "JJS",
    "LS",
    "MD",
    "NFP",
    "NN",
    "NNP",
    "NNPS",
    "NNS",
    "PDT",
    "POS",
    "PRP",
    "PRP$",
    "RB",
    "RBR",
    "RBS",
    "RP",
    "SYM",
    "TO",
    "UH",
    "VB",
    "VBD",
    "VBG",
    "VBN",
    "VBP",
    "VBZ",
    "WDT",
    "WP",
    "WP$",
    "WRB",
    "XX",
    "_SP",
    "``",
]
DEPS = [
    "ROOT",
    "acl",
    "acomp",
    "advcl",
    "advmod",
    "agent",
    "amod",
    "appos",
    "attr",
    "aux",
    "auxpass",
    "case",
    "cc",
    "ccomp",
    "compound",
    "conj",
    "csubj",
    "csubjpass",
    "dative",
    "dep",
    "det",
    "dobj",
    "expl",
    "intj",
    "mark",
    "meta",
    "neg",
    "nmod",
    "npadvmod",
    "nsubj",
    "nsubjpass",
    "nummod",
    "oprd",
    "parataxis",
    "pcomp",
    "pobj",
    "poss",
    "preconj",
    "predet",
    "prep",
    "prt",
    "punct",
    "quantmod",
    "relcl",
    "xcomp",
]
ENTS = [
    "CARDINAL",
    "DATE",
    "EVENT",
    "FAC",
    "GPE",
    "LANGUAGE",
    "LAW",
    "LOC",
    "MONEY",
    "NORP",
    "ORDINAL",
    "ORG",
    "PERCENT",
    "PERSON",
    "PRODUCT",
    "QUANTITY",
    "TIME",
    "WORK_OF_ART",
]


@Language.factory("bench_vader", assigns=["doc._.bench_sentiment"])
def make_vader(nlp: Language, name: str) -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    Doc.set_extension("bench_sentiment", default=None, force=True)

    def component(doc: Doc) -> Doc:
        compound = analyzer.polarity_scores(doc.text)["compound"]
        doc._.bench_sentiment = (
            "pos"
            if compound >= VADER_THRESHOLD
            else "neg"
            if compound <= -VADER_THRESHOLD
            else "neu"
        )
        return doc

    return component


def sm_shaped() -> Language:
    """tok2vec + tagger + parser + NER as `en_core_web_sm` has them, initialised, untrained."""
    config = init_config(lang="en", pipeline=["tagger", "parser", "ner"], optimize="efficiency")
    pipeline = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    for name, labels in (("tagger", TAGS), ("parser", DEPS), ("ner", ENTS)):
        component: Any = pipeline.get_pipe(name)
        for label in labels:
            component.add_label(label)
    doc = Doc(pipeline.vocab, words=["Red", "Rooms", "is", "great", "."])
    example = Example.from_dict(
        doc,
        {
            "tags": ["NNP", "NNP", "VBZ", "JJ", "."],
            "heads": [1, 2, 2, 2, 2],
            "deps": ["compound", "nsubj", "ROOT", "acomp", "punct"],
            "entities": ["B-WORK_OF_ART", "L-WORK_OF_ART", "O", "O", "O"],
        },
    )
    pipeline.initialize(lambda: [example])
    return pipeline


def recipe() -> tuple[Language, str]:
    """The common recipe: `en_core_web_sm` + VADER, or the same-shaped pipeline + VADER."""
    try:
        pipeline, name = spacy.load("en_core_web_sm"), "en_core_web_sm + VADER"
    except OSError:
        pipeline, name = sm_shaped(), "en_core_web_sm-shaped (untrained) + VADER"
    pipeline.add_pipe("bench_vader")
    return pipeline, name
