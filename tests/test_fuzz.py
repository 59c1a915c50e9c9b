"""Fuzzing what strangers write through the item pipeline, the lake writer and `analyze`: random
Unicode, lone surrogates, control characters, huge tokens and wrong types. Nothing crashes,
no row is lost (each is written, quarantined or refused with a reason) and the work per post
stays bounded (the NLP reads at most MAX_NLP_TOKENS tokens, whatever the text)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.bounds import MAX_NLP_TOKENS, bound_text, bounded_doc
from nlp.pipeline import Analyzer
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.lake import Lake
from tests.conftest import EXAMPLE
from tests.test_robustness import ItemPipeline, post

# No deadline: a loaded machine must not fail a test; the bound is on the work, checked below.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ANY_CHAR = st.characters(codec=None, categories=None)  # every code point, surrogates included
HOSTILE_PIECES = st.sampled_from(
    ["\ud83d", "\udc00", "\x00", "\x1b[31m", "\u202e", "\ufeff", "😀" * 300, "#" * 500,
     "x" * 2_000, "=cmd|' /C calc'!A0", "\u3000=1+1", "Red Rooms", " ", "\n"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(ANY_CHAR, max_size=40), HOSTILE_PIECES), max_size=12).map(
    "".join
)
WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.lists(st.integers(), max_size=3)
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_config(EXAMPLE).films)


@FUZZ
@given(
    texts=st.lists(TEXTS, min_size=1, max_size=6), titles=st.lists(st.none() | TEXTS, max_size=6)
)
def test_fuzz_item_pipeline_loses_no_row(texts: list[str], titles: list[str | None]) -> None:
    items = [post(n, text=text, title=titles[n] if n < len(titles) else None)
             for n, text in enumerate(texts)]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        pipeline = ItemPipeline(Path(folder), flush_items=2)
        pipeline.feed(items)
        lake = Lake(Path(folder) / "lake")
        raw = (
            lake.read("raw", ["source_id"]).column("source_id").to_pylist()
            if lake.files("raw")
            else []
        )
        set_aside = lake.read("quarantine").to_pylist() if lake.files("quarantine") else []
    set_aside = [
        json.loads(r["record"])["source_id"] for r in set_aside if r["action"] == "set aside"
    ]
    assert len(raw) + len(set_aside) + len(pipeline.dropped) == len(items)
    assert all("text: empty" in line for line in pipeline.dropped)


@FUZZ
@given(values=st.fixed_dictionaries(
    {}, optional={"likes": WRONG, "rating": WRONG, "lang": WRONG | TEXTS, "films": WRONG, "extras": WRONG}
))  # fmt: skip
def test_fuzz_item_pipeline_refuses_wrong_types_with_a_reason(values: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = ItemPipeline(Path(folder))
        pipeline.feed([post(1, **values)])
        lake = Lake(Path(folder) / "lake")
        kept = (
            lake.count("raw") + lake.count("quarantine")
            if lake.files("raw") or lake.files("quarantine")
            else 0
        )
    assert kept + len(pipeline.dropped) >= 1
    assert all(": " in line for line in pipeline.dropped)


@FUZZ
@given(text=TEXTS)
def test_fuzz_nlp_work_is_bounded(analyzer: Analyzer, text: str) -> None:
    from pipeline.safetext import safe_text

    bounded = bound_text(safe_text(text))
    doc = bounded_doc(analyzer.pipeline("xx"), bounded.text)
    assert len(doc) <= MAX_NLP_TOKENS


@FUZZ
@given(lines=st.lists(st.fixed_dictionaries(
    {"id": st.text(st.characters(codec="utf-8"), min_size=1, max_size=8), "text": TEXTS},
    optional={"films": WRONG | st.lists(TEXTS, max_size=2), "lang": WRONG | TEXTS,
              "rating": WRONG | st.floats(0, 5)},
), min_size=1, max_size=5))  # fmt: skip
def test_fuzz_analyze_answers_every_line_or_names_the_bad_one(lines: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="ascii")
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["analyze", "--config", str(EXAMPLE), "--input", str(source),
                         "--output", str(target)])  # fmt: skip
        if code == 0:
            out = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
            assert [o["id"] for o in out] == [line["id"] for line in lines]
        else:
            assert code == 2 and err.getvalue().count("\n") == 1 and ", line " in err.getvalue()
            assert not target.exists()
        assert "Traceback" not in err.getvalue()
