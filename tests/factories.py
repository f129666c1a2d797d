"""Submission files for tests: a valid row with overrides, a file writer; pipeline locations in the environment."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from orchestration.warehouse import SUBMISSION_COLUMNS

HEADER = ",".join(c.upper() for c in SUBMISSION_COLUMNS)


def row(**values: str) -> str:
    """A data line with sensible valid defaults, overridden by keyword (lower-case column names)."""
    base = {
        "agncy": "P0001", "clientid": "C1", "finitial": "J", "sinitial": "S", "dob": "1980-01-02", "sex": "M",
        "la": "E06000001", "episodid": "E1", "refld": "2025-01-02", "triaged": "2025-01-05", "drug1": "1011",
        "injstat": "N", "mhneed": "Y", "depanx": "N", "mhpsytx": "N", "disd": "", "disrsn": "", "modid": "M1",
        "modal": "95", "modset": "1", "modst": "2025-01-06", "modend": "", "modexit": "", "subid": "S1",
        "subint": "PSYCNMG", "subst": "2025-01-06", "subend": "",
    }  # fmt: skip
    base.update(values)
    return ",".join(base[c] for c in SUBMISSION_COLUMNS)


def write_submission(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def journeys_places(root: Path) -> dict[str, Path]:
    """The JOURNEYS_* locations of a pipeline run under ``root`` (landing, warehouse, serving, reports, packs)."""
    return {
        "JOURNEYS_LANDING": root / "landing",
        "JOURNEYS_WAREHOUSE": root / "warehouse.duckdb",
        "JOURNEYS_SERVING": root / "serving.duckdb",
        "JOURNEYS_REPORTS": root / "reports",
        "JOURNEYS_PUBLICATIONS": root / "publications",
    }


@contextmanager
def environ(values: Mapping[str, object]) -> Iterator[None]:
    """Set environment variables for the block (module-scoped fixtures cannot use monkeypatch), then restore."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def journeys_env(root: Path, base: Mapping[str, str]) -> dict[str, str]:
    """``base`` (e.g. ``os.environ``) with every JOURNEYS_* place under ``root`` and a test pseudonymisation key:
    the environment of a ``journeys``/``dagster`` subprocess that never touches the developer's data."""
    places = {k: str(v) for k, v in journeys_places(root).items()}
    return {**base, **places, "JOURNEYS_PSEUDONYM_KEY": "test-only-key"}
