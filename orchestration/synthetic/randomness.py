"""Deterministic randomness: every stream is a ``random.Random`` seeded from the run seed and a label (never the
global generator, the clock or ``hash()``), plus small sampling helpers tuned for speed."""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from statistics import NormalDist
from typing import Generic, TypeVar

T = TypeVar("T")


def derive_seed(seed: int, *labels: str) -> int:
    """A seed derived from ``seed`` and labels: stable across runs and Python versions."""
    text = "\x1f".join((str(seed), *labels)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def derive_rng(seed: int, *labels: str) -> random.Random:
    """A random generator seeded by :func:`derive_seed`."""
    return random.Random(derive_seed(seed, *labels))


class Weighted(Generic[T]):
    """A fixed discrete distribution; ``pick`` costs one ``random()`` and a bisection."""

    __slots__ = ("_cumulative", "_total", "_values")

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        if not items or any(weight < 0 for _, weight in items):
            raise ValueError("a distribution needs at least one item and no negative weight")
        self._values = tuple(value for value, _ in items)
        self._cumulative = list(accumulate(weight for _, weight in items))
        self._total = self._cumulative[-1]
        if self._total <= 0:
            raise ValueError("a distribution needs a positive total weight")

    @property
    def values(self) -> tuple[T, ...]:
        """The values to pick from."""
        return self._values

    def pick(self, rng: random.Random) -> T:
        """One value, with its weight's probability."""
        return self._values[bisect_right(self._cumulative, rng.random() * self._total)]

    def pick_excluding(self, rng: random.Random, excluded: Sequence[T]) -> T | None:
        """A pick among the values not in ``excluded`` (same relative weights); None when nothing is left.
        Rejection sampling first (``excluded`` is short), the exact slow path only when that keeps failing."""
        for _ in range(8):
            value = self._values[bisect_right(self._cumulative, rng.random() * self._total)]
            if value not in excluded:
                return value
        lows = [0.0, *self._cumulative[:-1]]
        weights = [
            (value, high - low)
            for value, low, high in zip(self._values, lows, self._cumulative, strict=True)
            if value not in excluded and high > low
        ]
        return Weighted(weights).pick(rng) if weights else None


def between(rng: random.Random, low: int, high: int) -> int:
    """A whole number in ``[low, high]``, uniformly (a faster ``randint``)."""
    return low + int(rng.random() * (high - low + 1))


_QUANTILES = 4096
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / _QUANTILES) for i in range(_QUANTILES))


def normal(rng: random.Random) -> float:
    """A standard normal deviate from a table of 4,096 quantiles: one ``random()`` call, deterministic."""
    return _NORMAL[int(rng.random() * _QUANTILES)]


def lognormal_days(rng: random.Random, median: float, sigma: float, minimum: int = 0, maximum: int = 10_000) -> int:
    """A whole number of days, log-normally distributed around ``median``, clipped to ``[minimum, maximum]``."""
    value = int(median * math.exp(sigma * _NORMAL[int(rng.random() * _QUANTILES)]))
    return minimum if value < minimum else maximum if value > maximum else value


def clipped_gauss(rng: random.Random, mean: float, sd: float, low: float, high: float) -> float:
    """A normal draw clipped to [low, high]."""
    return min(max(mean + sd * normal(rng), low), high)
