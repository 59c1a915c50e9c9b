"""`filmbuzz eval`: every labelled set we have, scored by the shipped pipeline, as printable lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from nlp.eval.corpora import evaluate_corpora
from nlp.eval.labelled import DEV_DIR, dev_films, errors, evaluate, read_dev, read_snapshot
from nlp.eval.report import corpora_table, labelled_table
from nlp.training.calibrate import SNAPSHOT
from nlp.training.data import TEST_SETS
from pipeline.starter import EXAMPLE_CONFIG

Step = Callable[[str], None]


def run_eval(
    data_dir: Path | None,
    dev_dir: Path = DEV_DIR,
    snapshot: bool = False,
    errors_to: Path | None = None,
    step: Step = lambda _: None,
) -> list[str]:
    """Score the dev set, optionally the replay snapshot, and the corpora's test splits."""
    films = dev_films(dev_dir)
    step("dev set")
    dev = read_dev(dev_dir)
    scores, analyses = evaluate(dev, films)
    lines = labelled_table(f"Dev set {dev_dir.name}/ (our own posts, en/fr/pt/es)", scores)
    wrong = errors(dev, analyses)
    if snapshot:
        step("replay snapshot")
        from pipeline.config import load_config

        posts = read_snapshot(SNAPSHOT)
        example = load_config(EXAMPLE_CONFIG)
        snap_scores, snap_analyses = evaluate(posts, example.films)
        lines += ["", *labelled_table("Replay snapshot (used for tuning)", snap_scores)]
        wrong += errors(posts, snap_analyses)
    if errors_to is not None:
        errors_to.write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in wrong), encoding="utf-8"
        )
    if data_dir is not None:
        step(f"test splits of {', '.join(TEST_SETS)}")
        lines += ["", *corpora_table(evaluate_corpora(data_dir))]
    return lines
