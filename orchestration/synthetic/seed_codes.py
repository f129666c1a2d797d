"""Reference data the generator draws codes from: the project's seed files (``seeds/*.csv``).

The generator's own distributions name codes explicitly; :func:`load_reference` checks every one of them against
the seeds so that a seed change cannot silently make the generator write codes the pipeline would reject."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import SEEDS_DIR

OUT_OF_ENGLAND = "Z00B"
OPIATE, ALCOHOL, NON_OPIATE = "opiate", "alcohol", "non-opiate"


@dataclass(frozen=True)
class Reference:
    las_by_region: dict[str, tuple[str, ...]]  # English regions only, LAs sorted; Z00B excluded
    la_codes: tuple[str, ...]  # every LA code in the seed, Z00B included
    drug_groups: dict[str, str]  # DRUG1 code -> opiate / alcohol / non-opiate
    sub_intervention_types: dict[str, str]  # SUBINT code -> intervention type (94/95/96)
    discharge_reasons: frozenset[str]
    sex_codes: frozenset[str]
    injecting_codes: frozenset[str]
    yes_no_codes: frozenset[str]
    settings: frozenset[str]
    exit_codes: frozenset[str]
    intervention_types: frozenset[str]

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region code, sorted."""
        return tuple(sorted(self.las_by_region))

    def check_codes(self, kind: str, codes: Iterable[str], allowed: Iterable[str]) -> None:
        """Raise RuntimeError naming any of ``codes`` not in ``allowed``."""
        unknown = sorted(set(codes) - set(allowed))
        if unknown:
            raise RuntimeError(f"generator uses {kind} codes missing from the seeds: {', '.join(unknown)}")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _column(path: Path, name: str) -> frozenset[str]:
    return frozenset(row[name] for row in _rows(path))


def load_reference(seeds_dir: Path = SEEDS_DIR) -> Reference:
    """The reference code lists and LA-region lookup from the seeds."""
    las: dict[str, list[str]] = {}
    la_codes: list[str] = []
    for row in _rows(seeds_dir / "la_regions.csv"):
        la_codes.append(row["la_code"])
        if row["la_code"] != OUT_OF_ENGLAND:
            las.setdefault(row["region_code"], []).append(row["la_code"])
    if not las:
        raise RuntimeError(f"no English local authorities in {seeds_dir / 'la_regions.csv'}")
    return Reference(
        las_by_region={region: tuple(sorted(codes)) for region, codes in sorted(las.items())},
        la_codes=tuple(sorted(la_codes)),
        drug_groups={row["drug_code"]: row["substance_group"] for row in _rows(seeds_dir / "drug_codes.csv")},
        sub_intervention_types={
            row["sub_intervention_code"]: row["intervention_type"] for row in _rows(seeds_dir / "sub_interventions.csv")
        },
        discharge_reasons=_column(seeds_dir / "discharge_reasons.csv", "discharge_reason"),
        sex_codes=_column(seeds_dir / "sex_codes.csv", "code"),
        injecting_codes=_column(seeds_dir / "injecting_status.csv", "code"),
        yes_no_codes=_column(seeds_dir / "yes_no_unknown.csv", "code"),
        settings=_column(seeds_dir / "intervention_settings.csv", "setting_code"),
        exit_codes=_column(seeds_dir / "intervention_exit_status.csv", "code"),
        intervention_types=_column(seeds_dir / "intervention_types.csv", "intervention_type"),
    )
