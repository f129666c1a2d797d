"""Paths and secrets, resolved from the environment (never from the repository)."""

from __future__ import annotations

import calendar
import os
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
LA_REGIONS_CSV = SEEDS_DIR / "la_regions.csv"  # England's upper-tier LAs and their regions

DEV_PSEUDONYM_KEY = "journeys-development-key-not-for-real-data"

ENGINES = ("duckdb", "spark")  # dbt targets in dbt_project/profiles.yml (duckdb = target dev)


@dataclass(frozen=True)
class Paths:
    landing: Path
    warehouse: Path
    serving: Path
    publications: Path
    reports: Path  # provider feedback reports, one folder per provider


def paths(
    landing: str | Path | None = None,
    warehouse: str | Path | None = None,
    serving: str | Path | None = None,
    publications: str | Path | None = None,
    reports: str | Path | None = None,
) -> Paths:
    """Explicit values win, then JOURNEYS_* environment variables, then the documented defaults."""
    return Paths(
        landing=Path(landing or os.environ.get("JOURNEYS_LANDING", "data/landing")).absolute(),
        warehouse=Path(warehouse or os.environ.get("JOURNEYS_WAREHOUSE", "data/warehouse.duckdb")).absolute(),
        serving=Path(serving or os.environ.get("JOURNEYS_SERVING", "data/serving.duckdb")).absolute(),
        publications=Path(publications or os.environ.get("JOURNEYS_PUBLICATIONS", "data/publications")).absolute(),
        reports=Path(reports or os.environ.get("JOURNEYS_REPORTS", "data/reports")).absolute(),
    )


def parse_as_of(value: str | None) -> date | None:
    """An explicit reporting date must be a month end (anything else is a usage error)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"--as-of {value!r} is not a date in YYYY-MM-DD form") from exc
    if day.day != calendar.monthrange(day.year, day.month)[1]:
        raise ValueError(f"--as-of {value} is not a month end; use the last day of a month, e.g. 2025-06-30")
    return day


def pseudonym_key() -> bytes:
    """The HMAC key for client keys. A development default is used only with a loud warning, and never when
    ``JOURNEYS_DEPLOYMENT=production``."""
    key = os.environ.get("JOURNEYS_PSEUDONYM_KEY")
    if key:
        return key.encode("utf-8")
    if os.environ.get("JOURNEYS_DEPLOYMENT", "development").lower() == "production":
        raise RuntimeError(
            "JOURNEYS_PSEUDONYM_KEY is not set and JOURNEYS_DEPLOYMENT=production: refusing to pseudonymise with the "
            "development key. Set JOURNEYS_PSEUDONYM_KEY from your secret store and run again."
        )
    warnings.warn(
        "JOURNEYS_PSEUDONYM_KEY is not set: using the DEVELOPMENT pseudonymisation key. "
        "Client keys are NOT protected; never publish a serving database built this way.",
        stacklevel=2,
    )
    return DEV_PSEUDONYM_KEY.encode("utf-8")
