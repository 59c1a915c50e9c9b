"""`filmbuzz eval`: every labelled set we have, scored by the shipped pipeline, as printable lines.

Order: text written by real people first (the corpora's reported splits), then our own posts:
the dev set, the held-out set written blind, and optionally the replay snapshot; last, the
targets and whether each is met.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from nlp.eval.corpora import REPORTED, evaluate_corpora
from nlp.eval.labelled import (
    DEV_DIR,
    HELDOUT_DIR,
    dev_films,
    errors,
    evaluate,
    read_dev,
    read_snapshot,
)
from nlp.eval.report import corpora_table, labelled_table
from nlp.eval.targets import Check, corpus_checks, dev_checks, targets_table
from nlp.training.calibrate import SNAPSHOT
from pipeline.starter import EXAMPLE_CONFIG

Step = Callable[[str], None]


def run_eval(
    data_dir: Path | None,
    dev_dir: Path = DEV_DIR,
    snapshot: bool = False,
    errors_to: Path | None = None,
    step: Step = lambda _: None,
) -> list[str]:
    """Score the corpora's reported splits, the dev set, the held-out set and the snapshot."""
    lines: list[str] = []
    checks: list[Check] = []
    if data_dir is not None:
        step(f"reported splits of {', '.join(REPORTED)}")
        corpora = evaluate_corpora(data_dir)
        lines += [*corpora_table(corpora), ""]
        checks += corpus_checks(corpora)
    films = dev_films(dev_dir)
    step("dev set")
    dev = read_dev(dev_dir)
    scores, analyses = evaluate(dev, films)
    lines += labelled_table(f"Dev set {dev_dir.name}/ (our own posts, en/fr/pt/es)", scores)
    checks += dev_checks(scores)
    wrong = errors(dev, analyses)
    step("held-out set")
    heldout = read_dev(HELDOUT_DIR)
    held_scores, _ = evaluate(heldout, films)
    lines += ["", *labelled_table("Held-out set (our own posts, written blind)", held_scores)]
    if snapshot:
        step("replay snapshot")
        from pipeline.config import load_config

        posts = read_snapshot(SNAPSHOT)
        snap_scores, snap_analyses = evaluate(posts, load_config(EXAMPLE_CONFIG).films)
        lines += ["", *labelled_table("Replay snapshot (used for calibration)", snap_scores)]
        wrong += errors(posts, snap_analyses)
    if errors_to is not None:
        errors_to.write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in wrong), encoding="utf-8"
        )
    return [*lines, "", *targets_table(checks)]
