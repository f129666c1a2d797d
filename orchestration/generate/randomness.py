"""Deterministic randomness: every stream is a ``random.Random`` seeded from the run seed and a label (never the
global generator, the clock or ``hash()``), plus small sampling helpers tuned for speed."""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


def derive_seed(seed: int, *labels: str) -> int:
    text = "\x1f".join((str(seed), *labels)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def derive_rng(seed: int, *labels: str) -> random.Random:
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
        return self._values

    def pick(self, rng: random.Random) -> T:
        return self._values[bisect_right(self._cumulative, rng.random() * self._total)]

    def pick_excluding(self, rng: random.Random, excluded: Sequence[T]) -> T | None:
        """A pick among the values not in ``excluded`` (same relative weights); None when nothing is left."""
        weights = [
            (value, high - low)
            for value, low, high in zip(self._values, [0.0, *self._cumulative[:-1]], self._cumulative, strict=True)
            if value not in excluded and high > low
        ]
        return Weighted(weights).pick(rng) if weights else None


def lognormal_days(rng: random.Random, median: float, sigma: float, minimum: int = 0, maximum: int = 10_000) -> int:
    """A whole number of days, log-normally distributed around ``median``, clipped to ``[minimum, maximum]``."""
    value = int(median * math.exp(sigma * rng.gauss(0.0, 1.0)))
    return min(max(value, minimum), maximum)


def clipped_gauss(rng: random.Random, mean: float, sd: float, low: float, high: float) -> float:
    return min(max(rng.gauss(mean, sd), low), high)
