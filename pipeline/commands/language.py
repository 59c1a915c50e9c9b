"""Commands of the NLP: analyze, train-sentiment, eval."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pipeline.commands.common import (
    SENTIMENT_DATA,
    config_from,
    console,
    out,
)
from pipeline.errors import InputError


def cmd_analyze(args: argparse.Namespace) -> int:
    from nlp.pipeline import Analyzer
    from pipeline.stages.analyze_file import analyze_file

    config = config_from(args)
    if args.processes < 1:
        raise InputError(f"--processes {args.processes}: give 1 or more worker processes")
    analyzer = Analyzer(config.films, batch_size=1000, n_process=args.processes)
    result = analyze_file(analyzer, Path(args.input), Path(args.output))
    for line in result.failed[:20]:
        console.print(line, markup=False, highlight=False)
    out.print(f"analysed {result.lines} posts into {args.output}")
    return 1 if result.failed else 0


def _sentiment_data(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("FILMBUZZ_SENTIMENT_DATA", SENTIMENT_DATA))


def cmd_train_sentiment(args: argparse.Namespace) -> int:
    from nlp.errors import NLPError
    from nlp.model import MODEL_DIR
    from nlp.training.train import train_all

    target = Path(args.out) if args.out else MODEL_DIR
    try:
        with console.status("training…") as status:
            done = train_all(_sentiment_data(args), target, progress=status.update)
    except NLPError as exc:
        raise InputError(str(exc)) from None
    for lang, meta in done.items():
        out.print(f"{lang}: val macro-F1 {meta['val_macro_f1']:.3f}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from nlp.errors import NLPError
    from nlp.eval.run import run_eval

    data = None if args.no_corpora else _sentiment_data(args)
    try:
        with console.status("evaluating…") as status:
            lines = run_eval(
                data,
                snapshot=args.snapshot,
                errors_to=Path(args.errors) if args.errors else None,
                step=lambda s: status.update(f"evaluating {s}…"),
            )
    except NLPError as exc:
        raise InputError(str(exc)) from None
    for line in lines:
        out.print(line)
    return 0
