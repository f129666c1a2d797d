"""The dbt project as Dagster assets (one graph: gated submissions → staging → intermediate → marts).

The manifest is prepared the supported way: ``prepare_if_dev()`` under ``dagster dev``; otherwise
``make setup`` runs ``dagster-dbt project prepare-and-package`` on
:mod:`orchestration.defs.dbt_manifest` (it is not parsed at every import).
dbt tests appear as asset checks. All dbt sources map to the ``gated_submissions`` asset.
"""

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.defs.assets.dbt_invocation import dbt_events
from orchestration.defs.dbt_manifest import dbt_project
from orchestration.defs.resources import JourneysConfig
from orchestration.export_parquet import export_for_spark, import_marts, require_spark
from orchestration.settings import ENGINES
from orchestration.warehouse import WRITER_POOL, warehouse_lock

if not dbt_project.manifest_path.exists():
    raise RuntimeError(
        f"dbt manifest not found at {dbt_project.manifest_path}; run 'make setup' "
        "(it runs: dagster-dbt project prepare-and-package --file orchestration/defs/dbt_manifest.py)"
    )


class JourneysTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        """dbt sources are the gated submissions; every other node keeps dagster-dbt's key."""
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey("gated_submissions")
        return super().get_asset_key(dbt_resource_props)

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """Seeds have no SQL: their description and columns (``seeds/_seeds.yml``), not an empty "Raw SQL" block."""
        if dbt_resource_props["resource_type"] != "seed":
            return super().get_description(dbt_resource_props)
        columns = [
            f"- `{name}`" + (f": {column['description']}" if column.get("description") else "")
            for name, column in dbt_resource_props.get("columns", {}).items()
        ]
        text = dbt_resource_props.get("description") or f"dbt seed {dbt_resource_props['name']}"
        return "\n\n".join([text, "#### Columns\n" + "\n".join(columns)] if columns else [text])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Seeds are group ``reference``; models are grouped by their layer folder."""
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    pool=WRITER_POOL,
    dagster_dbt_translator=JourneysTranslator(
        settings=DagsterDbtTranslatorSettings(
            enable_duplicate_source_asset_keys=True, enable_source_tests_as_checks=True
        )
    ),
)
def journeys_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, journeys: JourneysConfig
) -> Iterator[Any]:
    paths = journeys.paths()
    # profiles.yml reads the warehouse path with env_var(). It stays an environment variable of this process:
    # dagster-dbt's DbtCliResource.cli() takes no env for the subprocess (it copies os.environ) and renders the
    # profile in this process too (the adapter handle), so run config cannot reach it any other way.
    os.environ["JOURNEYS_WAREHOUSE"] = str(paths.warehouse)
    dbt_vars = {"as_of": journeys.as_of} if journeys.as_of else {}
    var_args = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    # One fixed target path (runs are serialised by the warehouse lock): partial parsing works from the second
    # run on, and artifacts do not pile up as one directory per invocation.
    with warehouse_lock(paths.warehouse):
        if journeys.engine == "spark":
            yield from _run_on_spark(context, dbt, paths.warehouse, var_args)
            return
        if journeys.engine != "duckdb":
            raise ValueError(f"engine {journeys.engine!r} is not one of {', '.join(ENGINES)}")
        # Unit tests belong to CI (tests/test_dbt_*.py run them); production runs build and data-test only.
        args = ["build", "--exclude-resource-type", "unit_test", *var_args]
        yield from dbt_events(dbt, args, context, dbt_project.target_path / "pipeline")


def _run_on_spark(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Path, var_args: list[str]
) -> Iterator[Any]:
    """The same models on Spark (profiles.yml target ``spark``): export the gated rows (pseudonymised here, in
    DuckDB) and the reference data as Parquet, ``dbt run`` them on a local Spark session, then bring the marts
    back into the warehouse's ``marts`` schema. Data tests run on the DuckDB engine (and in CI), not here."""
    require_spark()
    spark_dir = warehouse.parent / "spark"
    os.environ["JOURNEYS_SPARK_DIR"] = str(spark_dir)  # read by profiles.yml and register_sources()
    export = export_for_spark(warehouse, spark_dir / "export", dbt_project.manifest_path)
    context.log.info(f"exported {export.rows:,} accepted rows in {export.months} monthly partitions to {export.root}")
    shutil.rmtree(spark_dir / "warehouse", ignore_errors=True)  # Spark's catalog is in memory: rebuild it all
    target_path = dbt_project.target_path / "spark"
    yield from dbt_events(dbt, ["run", "--target", "spark", *var_args], context, target_path)
    manifest = Path(dbt.project_dir).joinpath(target_path, "manifest.json")  # as dagster-dbt resolves target_path
    counts = import_marts(spark_dir / "warehouse", warehouse, manifest)
    context.log.info(f"marts built on Spark, back in {warehouse}: {counts}")
