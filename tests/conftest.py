"""Shared fixtures: temporary warehouses and landing directories, a test pseudonymisation key."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.synthetic import GenerateSummary, generate
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


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateSummary]:
    """The default demo size: 2,000 clients, 6 providers, 2025-01..2026-06."""
    out = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    summary = generate(out, seed=7, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 2000) and calls[-1] == (2000, 2000) and len(calls) >= 5
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    return out, summary


# `make test` runs the modules on parallel workers (pytest-xdist, `--dist loadfile`: a module and its fixtures stay
# on one worker). The modules that build a whole pipeline take minutes each; they go first so that no worker is
# left with one of them while the other idles at the end. Seconds measured by `pytest --durations` on CI.
SLOW_MODULES = (
    "test_operations.py",  # ~360 s
    "test_dagster_cli.py",  # ~240 s
    "test_serving_snapshot.py",  # ~200 s
    "test_spark_equivalence.py",  # ~190 s
    "test_pipeline.py",  # ~160 s
    "test_dagster_postgres.py",  # ~150 s
    "test_cli_run_publish.py",  # ~105 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow modules first, in the order above; the others keep their order (a stable sort)."""
    rank = {name: i for i, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_MODULES)))
