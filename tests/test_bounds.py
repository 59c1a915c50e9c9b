"""Bounded NLP work per post: runs collapsed, text and tokens capped, offsets kept, the tokenizer
linear on long chunks with the same tokens, one failing post failing alone."""

from __future__ import annotations

import random
from typing import Any

import pytest
import spacy

from crawlers.replay import Snapshot
from nlp.bounds import (
    MAX_CHUNK,
    MAX_NLP_CHARS,
    MAX_NLP_TOKENS,
    MAX_RUN,
    bound_text,
    bound_tokenizer,
)
from nlp.pipeline import Analyzer, PostInput
from pipeline.config import load_config
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_config(EXAMPLE).films)


@pytest.mark.parametrize(
    ("text", "expected", "truncated"),
    [
        ("Past Lives is sooooo good!!!", "Past Lives is sooooo good!!!", False),
        ("wow" + "!" * 40, "wow" + "!" * MAX_RUN, False),
        ("😀" * 16_000, "😀" * MAX_RUN, False),
        ("x" * 200_000, "x" * MAX_RUN, True),
        ("ab" * 5_000, None, True),
    ],
)
def test_bounds_collapse_runs_and_cut(text: str, expected: str | None, truncated: bool) -> None:
    bounded = bound_text(text)
    if expected is not None:
        assert bounded.text == expected
    assert bounded.truncated is truncated
    assert len(bounded.text) <= MAX_NLP_CHARS * (1 + 1 / MAX_CHUNK)
    assert max(len(chunk) for chunk in bounded.text.split()) <= MAX_CHUNK


@pytest.mark.parametrize(
    "text",
    [
        "Red Rooms " + "!" * 30 + " then Monster " + "z" * 300 + " and Past Lives",
        "#" * 500 + " Monster, " + "😭" * 99 + "Past Lives" + "." * 12,
        "Monster" * 30 + " Past Lives",
    ],
)
def test_bounds_offsets_map_back_to_the_original(text: str) -> None:
    bounded = bound_text(text)
    for title in ("Monster", "Past Lives"):
        start = bounded.text.rfind(title)
        if start >= 0:
            original = bounded.original(start)
            assert text[original : original + len(title)] == title


def _tokens(pipeline: Any, text: str) -> list[str]:
    return [t.text for t in pipeline.make_doc(text)]


@pytest.mark.parametrize("lang", ["en", "fr", "xx"])
def test_bounds_tokenizer_makes_the_same_tokens(lang: str) -> None:
    plain, bounded = spacy.blank(lang), bound_tokenizer(spacy.blank(lang))
    rng = random.Random(lang)
    texts = [p.text for p in Snapshot.load().posts]
    texts += ["".join(rng.choice("ab.,!?#@😀'’-:/()[]%$…—") for _ in range(80)) for _ in range(300)]
    texts += ["U.S.A. 3.5km 10% $20 (really?!) l'été d'un « film »… http://x.org/a?b=c"]
    for text in texts:
        assert _tokens(bounded, text) == _tokens(plain, text), text
    assert bounded.tokenizer.to_bytes()  # still serialisable


def test_bounds_analyzer_reads_a_bounded_doc_and_flags_the_cut(analyzer: Analyzer) -> None:
    long = "Past Lives is a tender, wonderful film. " * 500
    short, cut, noisy = analyzer.analyze(
        [PostInput(text="Past Lives was wonderful."), PostInput(text=long),
         PostInput(text="Past Lives " + "😭🎬" * 30_000)]
    )  # fmt: skip
    assert not short.truncated and cut.truncated and noisy.truncated
    assert cut.about == ["past-lives"] and cut.failed is None
    assert all(m["end"] <= len(long) and long[m["start"] : m["end"]] == m["text"]
               for m in cut.mentions)  # fmt: skip
    docs = [
        analyzer._doc(analyzer.pipeline("en"), PostInput(text=long), bound_text(long).text, "en")
    ]
    assert len(docs[0]) <= MAX_NLP_TOKENS


def test_bounds_a_post_that_breaks_the_nlp_fails_alone(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    component: Any = analyzer.pipeline("en").get_pipe("buzz_sentiment")
    original = type(component).__call__

    def explode(self: Any, doc: Any) -> Any:
        if "detonate" in doc.text:
            raise ValueError("a component bug")
        return original(self, doc)

    monkeypatch.setattr(type(component), "__call__", explode)
    posts = [
        PostInput(text=f"Past Lives is lovely, part {n}. The film was good.") for n in range(5)
    ]
    posts.insert(2, PostInput(text="Past Lives will detonate. The film was good."))
    results = list(analyzer.analyze(posts))
    assert [r.failed for r in results] == [
        None,
        None,
        "ValueError: a component bug",
        None,
        None,
        None,
    ]
    assert all(r.about == ["past-lives"] for i, r in enumerate(results) if i != 2)
