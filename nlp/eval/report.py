"""Plain-text tables of evaluation scores, as `filmbuzz eval` prints them."""

from __future__ import annotations

from collections.abc import Sequence

from nlp.eval.corpora import CorpusScore
from nlp.eval.labelled import Scores


def labelled_table(title: str, scores: Scores) -> list[str]:
    lines = [f"{title} ({scores.posts} posts)"]
    if scores.sentiment:
        lines.append("  sentiment    accuracy  macro-F1  posts")
        for lang, (acc, f1, count) in scores.sentiment.items():
            lines.append(f"    {lang:<10} {acc:>8.3f}  {f1:>8.3f}  {count:>5}")
    lines.append("  intent          precision  recall     F1  support")
    for name, prf in scores.intents.items():
        lines.append(
            f"    {name:<14} {prf.precision:>9.3f} {prf.recall:>7.3f} {prf.f1:>6.3f}  {prf.support:>7}"
        )
    m = scores.mentions
    lines.append(
        f"  mentions       {m.precision:>9.3f} {m.recall:>7.3f} {m.f1:>6.3f}  {m.support:>7}"
        "   (precision, recall, F1 of (post, film) pairs)"
    )
    if (t := scores.territory) is not None:
        lines.append(
            f"  territory      {t.precision:>9.3f} {t.recall:>7.3f} {t.f1:>6.3f}  {t.support:>7}"
            "   (audience country: right one among the posts given one)"
        )
    return lines


def corpora_table(scores: Sequence[CorpusScore]) -> list[str]:
    lines = [
        "Sentiment on text written by people (reported splits, never trained or tuned on)",
        "  corpus               lang  split  examples  accuracy  macro-F1  neu found/true  labels",
    ]
    for s in scores:
        lines.append(
            f"    {s.corpus:<18} {s.lang:<4} {s.split:<5} {s.examples:>8}  {s.accuracy:>8.3f}"
            f"  {s.macro_f1:>8.3f}  {s.neu_found:>9.2f}/{s.neu_true:.2f}  {s.labels}"
            + ("  (real film text)" if s.real else "")
        )
    return lines
