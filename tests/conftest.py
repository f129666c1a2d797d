"""Shared fixtures: temporary warehouses and landing directories, a test pseudonymisation key."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse import connect

os.environ.setdefault("JOURNEYS_PSEUDONYM_KEY", "test-only-key")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(tmp_path / "warehouse.duckdb") as con:
        yield con
