"""The count-aware spike test, on plain lists of daily counts (no store, easy to benchmark).

A day is a spike when its count is improbably high for the film's own recent days:

1. Baseline: the trailing `baseline_days` before the day. Days that were themselves far above
   the median (median + 4 robust deviations) are left out, so an earlier spike does not raise
   the bar for the next one.
2. Mean and variance of the remaining days give a negative binomial (overdispersion estimated
   by moments); when the variance is no larger than the mean it is a Poisson.
3. The day fires when P(X >= count) < `p_value` **and** count - mean >= `min_increase`, so
   5 posts instead of 1 is not news, however improbable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

MIN_MEAN = 0.5  # a silent film's baseline still expects the odd post
MIN_HISTORY = 7  # days of baseline needed before a day can be judged


@dataclass(frozen=True)
class Baseline:
    mean: float
    variance: float
    days: int

    @property
    def size(self) -> float | None:
        """The negative binomial's r (None: Poisson, no overdispersion)."""
        excess = self.variance - self.mean
        return self.mean**2 / excess if excess > 1e-9 else None


@dataclass(frozen=True)
class Judgement:
    count: int
    baseline: Baseline
    p_value: float
    spike: bool


def baseline(window: Sequence[float]) -> Baseline:
    """Robust mean and variance of the trailing days (spike days left out)."""
    values = [float(v) for v in window]
    centre = median(values)
    spread = 1.4826 * median(abs(v - centre) for v in values)
    ceiling = centre + 4 * max(spread, math.sqrt(max(centre, 1.0)))
    kept = [v for v in values if v <= ceiling] or values
    mean = max(sum(kept) / len(kept), MIN_MEAN)
    variance = sum((v - mean) ** 2 for v in kept) / max(len(kept) - 1, 1)
    return Baseline(mean, variance, len(kept))


def upper_tail(count: int, mean: float, size: float | None) -> float:
    """P(X >= count) for a Poisson(mean), or a negative binomial(mean, size)."""
    if count <= 0:
        return 1.0
    prob = size / (size + mean) if size is not None else 0.0
    log_p = size * math.log(prob) if size is not None else -mean  # log P(X = 0)
    below = math.exp(log_p)
    for k in range(1, count):  # P(X = k) from P(X = k - 1)
        if size is None:
            log_p += math.log(mean / k)
        else:
            log_p += math.log((k - 1 + size) / k * (1 - prob))
        below += math.exp(log_p)
    return max(1.0 - below, 0.0)


def judge(
    history: Sequence[float], count: int, p_value: float = 0.002, min_increase: int = 6
) -> Judgement | None:
    """Judge one day's `count` against the days before it (`history`, oldest first).

    None when the history is too short to judge.
    """
    if len(history) < MIN_HISTORY:
        return None
    base = baseline(history)
    tail = upper_tail(int(count), base.mean, base.size)
    spike = tail < p_value and count - base.mean >= min_increase
    return Judgement(int(count), base, tail, spike)


def spikes(
    counts: Sequence[float], baseline_days: int = 28, p_value: float = 0.002,
    min_increase: int = 6, judge_from: int = 0,
) -> list[tuple[int, Judgement]]:  # fmt: skip
    """(index, judgement) of every spike day in a daily series, judging from `judge_from`."""
    found = []
    for day in range(max(judge_from, MIN_HISTORY), len(counts)):
        history = counts[max(0, day - baseline_days) : day]
        verdict = judge(history, int(counts[day]), p_value, min_increase)
        if verdict is not None and verdict.spike:
            found.append((day, verdict))
    return found
