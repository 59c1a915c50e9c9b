"""Spike detector benchmark: recall and false alarms per 100 film-days on synthetic series.

Each film gets a daily series of negative binomial counts around a level (5, 10, 20, 50
mentions a day) with overdispersion, a weekly rhythm and a slow drift; spikes of a known size
(a multiple of the day's usual level, added as extra posts on top of it) are injected on random days (sometimes two close together, to test that an earlier spike does
not hide a later one). The detector judges every day after a warm-up; a judged spike day that
fires is a hit, any other day that fires is a false alarm.

    python -m benchmarks.alerts                 # the numbers in docs/benchmarks.md
    python -m benchmarks.alerts --factor 2 --films 300
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass

from pipeline.alerts.detect import spikes
from pipeline.config import AlertsConfig

LEVELS = (5, 10, 20, 50)
WARM_UP = 28


@dataclass(frozen=True)
class Score:
    level: int
    factor: float
    spikes: int
    hits: int
    film_days: int
    false_alarms: int

    @property
    def recall(self) -> float:
        return self.hits / self.spikes if self.spikes else 0.0

    @property
    def false_per_100(self) -> float:
        return 100 * self.false_alarms / self.film_days if self.film_days else 0.0


def negative_binomial(rng: random.Random, mean: float, size: float) -> int:
    """A gamma-Poisson draw: NB with the given mean and size (variance = mean + mean²/size)."""
    rate = rng.gammavariate(size, mean / size)
    return _poisson(rng, rate)


def _poisson(rng: random.Random, rate: float) -> int:
    if rate > 60:  # normal approximation, plenty at these rates
        return max(0, round(rng.gauss(rate, math.sqrt(rate))))
    limit, k, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def series(
    rng: random.Random, level: float, days: int, factor: float, size: float, spike_rate: float
) -> tuple[list[int], set[int]]:
    """One film's counts and the days where a spike was injected."""
    drift = rng.uniform(-0.3, 0.3)  # ±30% over the period
    phase = rng.randrange(7)
    injected = {d for d in range(WARM_UP, days) if rng.random() < spike_rate}
    counts = []
    for day in range(days):
        weekly = 1 + 0.15 * math.sin(2 * math.pi * (day + phase) / 7)
        mean = level * weekly * (1 + drift * day / days)
        count = negative_binomial(rng, mean, size)
        if day in injected:  # the event's posts come on top of the day's usual ones
            count += _poisson(rng, (factor - 1) * mean)
        counts.append(count)
    return counts, injected


def score(level: int, factor: float, films: int, days: int, size: float, seed: int) -> Score:
    rng = random.Random(seed * 1000 + level)
    options = AlertsConfig()
    hits = spikes_total = false_alarms = film_days = 0
    for _ in range(films):
        counts, injected = series(rng, level, days, factor, size, spike_rate=0.03)
        fired = {d for d, _ in spikes(counts, options.baseline_days, options.p_value,
                                      options.min_increase, judge_from=WARM_UP)}  # fmt: skip
        spikes_total += len(injected)
        hits += len(injected & fired)
        false_alarms += len(fired - injected)
        film_days += days - WARM_UP - len(injected)
    return Score(level, factor, spikes_total, hits, film_days, false_alarms)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.alerts", description=__doc__)
    parser.add_argument("--films", type=int, default=200)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--factor", type=float, action="append",
                        help="spike size as a multiple of the day's normal level (default: 2, 3, 4)")  # fmt: skip
    parser.add_argument("--size", type=float, default=20.0,
                        help="negative binomial size of the noise (smaller: more overdispersed)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.films} films × {args.days} days, NB noise size {args.size}, 3% spike days, "
          f"{WARM_UP}-day warm-up")  # fmt: skip
    print("| mentions/day | spike size | spikes | recall | false alarms / 100 film-days |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for factor in args.factor or [2.0, 3.0, 4.0]:
        for level in LEVELS:
            s = score(level, factor, args.films, args.days, args.size, args.seed)
            print(
                f"| {level} | ×{factor:g} | {s.spikes} | {s.recall:.2f} | {s.false_per_100:.2f} |"
            )


if __name__ == "__main__":
    main()
