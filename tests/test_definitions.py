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
    for key in (AssetKey("landing_submissions"), AssetKey("gated_submissions")):
        node = graph.get(key)
        assert node.partitions_def is not None and "2025-06-01" in node.partitions_def.get_partition_keys()
        assert node.pools == {WRITER_POOL}
    assert graph.get(AssetKey(["marts", "journeys"])).pools == {WRITER_POOL}
    assert graph.get(AssetKey("serving_snapshot")).pools == {WRITER_POOL}
