"""The one Definitions: a single connected graph, checks where the issue asks for them, partitions and pools."""

from __future__ import annotations

from dagster import AssetKey

from orchestration.definitions import defs
from orchestration.warehouse import WRITER_POOL


def _upstream(key: AssetKey) -> set[AssetKey]:
    graph = defs.resolve_asset_graph()
    seen: set[AssetKey] = set()
    frontier = [key]
    while frontier:
        for parent in graph.get(frontier.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


def test_one_graph_from_landing_to_publication() -> None:
    upstream = _upstream(AssetKey("regional_publication_pack"))
    for key in (
        AssetKey("serving_snapshot"),
        AssetKey(["marts", "qs8_measures"]),
        AssetKey(["marts", "journeys"]),
        AssetKey(["staging", "stg_episodes"]),
        AssetKey("gated_submissions"),
        AssetKey("landing_submissions"),
    ):
        assert key in upstream, key


def test_quality_gates_are_blocking_asset_checks_and_dbt_tests_are_checks() -> None:
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name): graph.get_check_spec(k) for k in graph.asset_check_keys}
    assert checks[("gated_submissions", "rows_reconcile")].blocking
    assert checks[("gated_submissions", "all_submissions_gated")].blocking
    assert checks[("serving_snapshot", "marts_sanity")].blocking
    assert any(asset.startswith("marts/") for asset, _ in checks), "dbt tests should appear as asset checks"


def test_ingestion_is_partitioned_by_month_and_writers_share_one_pool() -> None:
    graph = defs.resolve_asset_graph()
    landing = graph.get(AssetKey("landing_submissions"))
    assert landing.partitions_def is not None and "2025-06-01" in landing.partitions_def.get_partition_keys()
    # The gate takes every loaded submission, so it is not partitioned: a partitioned asset downstream of another
    # cannot run in a run without partition tags (Dagster fails on its upstream's partition range).
    assert graph.get(AssetKey("gated_submissions")).partitions_def is None
    for key in (AssetKey("landing_submissions"), AssetKey("gated_submissions")):
        assert graph.get(key).pools == {WRITER_POOL}
    assert graph.get(AssetKey(["marts", "journeys"])).pools == {WRITER_POOL}
    assert graph.get(AssetKey("serving_snapshot")).pools == {WRITER_POOL}


def test_seed_assets_carry_their_descriptions_not_an_empty_sql_block() -> None:
    graph = defs.resolve_asset_graph()
    seeds = [key for key in graph.get_all_asset_keys() if key.path[0] == "reference"]
    assert len(seeds) == 13
    for key in seeds:
        description = graph.get(key).description or ""
        assert "Raw SQL" not in description, key
        assert not description.startswith("dbt seed"), f"{key.to_user_string()} has no description in seeds/_seeds.yml"
        assert "#### Columns" in description, key


def test_dbt_source_tests_are_checks_of_the_gate_not_stray_observations() -> None:
    graph = defs.resolve_asset_graph()
    names = {k.name for k in graph.asset_check_keys if k.asset_key == AssetKey("gated_submissions")}
    assert "source_unique_ingest_submissions_submission_id" in names


def test_dbt_resource_knows_the_version_dbt_itself_reports() -> None:
    """The dbt resource answers dagster-dbt's version question without a ``dbt --version`` subprocess per run; the
    answer must be what that subprocess (dagster-dbt's own way, run here for real) says."""
    from dagster_dbt import DbtCliResource

    from orchestration.defs.resources import VenvDbtCliResource, journeys_resources

    resource = journeys_resources()["dbt"]
    assert isinstance(resource, VenvDbtCliResource)
    assert resource._cli_version == DbtCliResource._cli_version.func(resource)  # type: ignore[attr-defined]


def test_launched_runs_fork_their_steps_from_a_preloaded_server() -> None:
    """Dagster-launched runs (UI, sensor, schedule) start steps with ``forkserver``, preloading the definitions and
    GX once per run. Python ignores a preload module that fails to import, so each must resolve."""
    import importlib.util

    from orchestration.defs.executor import PRELOADED

    for job in ("journeys_pipeline", "regional_publication"):
        executor = defs.resolve_job_def(job).executor_def
        assert executor.name == "journeys_multiprocess", (job, executor.name)
    assert all(importlib.util.find_spec(module) is not None for module in PRELOADED)
