"""Run configuration shared by every asset: where things are, the reporting date, the gate threshold."""

from __future__ import annotations

import importlib.metadata
import sys
from datetime import date
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version
from pydantic import Field

from orchestration.defs.dbt_manifest import dbt_project
from orchestration.settings import Paths, parse_as_of, paths


class JourneysConfig(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Blank paths fall back to JOURNEYS_LANDING / JOURNEYS_WAREHOUSE / JOURNEYS_SERVING, then the defaults."""

    landing: str = Field(default="", description="Landing directory (blank: $JOURNEYS_LANDING or data/landing)")
    warehouse: str = Field(default="", description="Warehouse DuckDB file (blank: $JOURNEYS_WAREHOUSE)")
    serving: str = Field(default="", description="Serving DuckDB file (blank: $JOURNEYS_SERVING)")
    publications: str = Field(default="", description="Publication packs directory (blank: data/publications)")
    as_of: str = Field(default="", description="Reporting date (a month end); blank: the latest submitted month")
    max_failure_share: float = Field(default=0.5, description="Reject a file when more than this share of rows fail")
    engine: str = Field(
        default="duckdb",
        description="Where the dbt models run: 'duckdb' (the warehouse) or 'spark' (dbt-spark; the marts come back "
        "into the warehouse). See docs/deployment.md.",
    )
    replace_serving: bool = Field(
        default=False,
        description="Publish the serving snapshot even when it holds fewer accepted submissions, an earlier as_of "
        "or another pseudonymisation key than the current one (off: such a run fails and leaves it as it was)",
    )

    def paths(self) -> Paths:
        """The run's paths: this config's, else the environment's, else the defaults."""
        return paths(self.landing or None, self.warehouse or None, self.serving or None, self.publications or None)

    def as_of_date(self) -> date | None:
        """``as_of`` as a month-end date, or None for the latest month."""
        return parse_as_of(self.as_of)


class VenvDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource, for the dbt-core installed in this environment.

    dagster-dbt asks the executable for its version (``dbt --version``, a subprocess that spends ~3 s importing
    dbt) on every invocation. The executable here is this environment's dbt-core, so its package metadata gives
    the same version at no cost (``tests/test_definitions.py`` compares the two).
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))


def journeys_resources() -> dict[str, object]:
    """The resources every asset gets: ``journeys`` (this run's configuration) and ``dbt`` (the venv's dbt CLI)."""
    return {
        "journeys": JourneysConfig(),
        "dbt": VenvDbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=str(Path(sys.executable).parent / "dbt"),  # the venv's dbt, PATH or not
        ),
    }
