"""Shared fixtures: temporary warehouses and landing directories, a test pseudonymisation key."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse import connect

os.environ.setdefault("JOURNEYS_PSEUDONYM_KEY", "test-only-key")
# Tests never touch the developer's Dagster instance (the Makefile exports DAGSTER_HOME=.dagster_home, which
# `make demo` creates): without DAGSTER_HOME a run uses an ephemeral instance; tests that need a persistent one
# (test_operations.py) make their own under a temporary directory.
os.environ.pop("DAGSTER_HOME", None)


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(tmp_path / "warehouse.duckdb") as con:
        yield con
