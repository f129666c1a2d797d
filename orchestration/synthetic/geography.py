"""Providers, regions and where clients live.

``P`` providers are spread over ``min(9, max(1, ceil(P / 2)))`` English regions (drawn by seed), round-robin; each
provider is based in one LA of its region (distinct LAs while the region has enough). Providers have unequal sizes
(a log-normal weight). A client lives in the provider's LA (80%), another LA of the region (18.5%) or out of
England (``Z00B``, 1.5%)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from orchestration.synthetic.randomness import Weighted, derive_rng
from orchestration.synthetic.seed_codes import OUT_OF_ENGLAND, Reference

HOME_LA_SHARE = 0.80
OUT_OF_ENGLAND_SHARE = 0.015


def region_count(providers: int, available: int = 9) -> int:
    """How many regions the providers are spread over."""
    return min(available, 9, max(1, math.ceil(providers / 2)))


def provider_code(number: int) -> str:
    """The code of provider ``number``, e.g. P0001."""
    return f"P{number:04d}"


@dataclass(frozen=True)
class Provider:
    index: int
    code: str
    region: str
    la: str
    weight: float


class Geography:
    def __init__(self, providers: tuple[Provider, ...], las_by_region: dict[str, tuple[str, ...]]) -> None:
        self.providers = providers
        self.regions = tuple(sorted({provider.region for provider in providers}))
        self.las_by_region = {region: las_by_region[region] for region in self.regions}
        self._by_region = {region: tuple(p.index for p in providers if p.region == region) for region in self.regions}
        self._sizes = Weighted([(p.index, p.weight) for p in providers])

    @property
    def codes(self) -> tuple[str, ...]:
        """Every provider's code."""
        return tuple(provider.code for provider in self.providers)

    def pick_provider(self, rng: random.Random) -> int:
        """A provider, weighted by size."""
        return self._sizes.pick(rng)

    def other_in_region(self, rng: random.Random, provider: int) -> int:
        """Another provider of the same region; the same provider when it is alone there."""
        others = [p for p in self._by_region[self.providers[provider].region] if p != provider]
        return others[int(rng.random() * len(others))] if others else provider

    def other_anywhere(self, rng: random.Random, provider: int) -> int:
        """Another provider than ``provider``, anywhere in the country."""
        if len(self.providers) == 1:
            return provider
        other = int(rng.random() * (len(self.providers) - 1))
        return other + 1 if other >= provider else other

    def residence(self, rng: random.Random, provider: int) -> str:
        """An LA for a client of ``provider``, mostly in its region."""
        home = self.providers[provider]
        draw = rng.random()
        if draw < HOME_LA_SHARE:
            return home.la
        if draw < 1.0 - OUT_OF_ENGLAND_SHARE:
            las = self.las_by_region[home.region]
            return las[int(rng.random() * len(las))]
        return OUT_OF_ENGLAND


def build_geography(reference: Reference, providers: int, seed: int) -> Geography:
    """Providers placed in regions and LAs of the reference data."""
    rng = derive_rng(seed, "geography")
    all_regions = reference.regions
    regions = sorted(rng.sample(all_regions, region_count(providers, len(all_regions))))
    shuffled = {
        region: rng.sample(reference.las_by_region[region], len(reference.las_by_region[region])) for region in regions
    }
    made: list[Provider] = []
    for index in range(providers):
        region = regions[index % len(regions)]
        las = shuffled[region]
        la = las[(index // len(regions)) % len(las)]
        made.append(Provider(index, provider_code(index + 1), region, la, rng.lognormvariate(0.0, 0.5)))
    return Geography(tuple(made), reference.las_by_region)
