"""The serving snapshot for BI tools, behind the marts-sanity suite."""

import dagster as dg

from orchestration.defs.resources import JourneysConfig
from orchestration.gate import run_marts_sanity
from orchestration.serving import publish_snapshot
from orchestration.serving_docs import publish_docs
from orchestration.settings import Paths
from orchestration.warehouse import WRITER_POOL, connect, warehouse_lock

MARTS = (
    "episodes", "journeys", "transfers", "retention_3_months", "transfer_outcomes", "qs8_measures",
    "qs8_structure", "nice_concordance", "waiting_times", "successful_completions", "submissions", "data_quality",
    "snapshot_info",
)  # fmt: skip


@dg.asset(
    group_name="serving",
    pool=WRITER_POOL,
    deps=[dg.AssetKey(["marts", name]) for name in MARTS],
    check_specs=[dg.AssetCheckSpec("marts_sanity", asset="serving_snapshot", blocking=True)],
    description="serving.duckdb: schema marts only, with the dbt descriptions as table and column comments, "
    "published atomically (new file, then rename) after the marts-sanity suite passes, and only when it moves "
    "forward (no fewer accepted submissions, no earlier as_of, the same pseudonymisation key) unless run config "
    "replace_serving is set. BI tools open it read-only.",
)
def serving_snapshot(context: dg.AssetExecutionContext, journeys: JourneysConfig):  # type: ignore[no-untyped-def]
    paths = journeys.paths()
    with warehouse_lock(paths.warehouse):
        yield from _check_and_publish(context, paths, journeys.replace_serving)


def _check_and_publish(context: dg.AssetExecutionContext, paths: Paths, replace: bool):  # type: ignore[no-untyped-def]
    with connect(paths.warehouse, read_only=True) as con:
        results = run_marts_sanity(con)
    failed = [r for r in results if not r.passed]
    yield dg.AssetCheckResult(
        check_name="marts_sanity",
        passed=not failed,
        metadata={r.name: ("pass" if r.passed else f"FAIL: {r.details}") for r in results},
    )
    if failed:
        raise RuntimeError(
            "marts sanity failed, the serving snapshot was NOT published (the previous one stays): "
            + "; ".join(f"{r.name}: {r.details}" for r in failed)
        )
    snapshot = publish_snapshot(paths.warehouse, paths.serving, replace=replace)
    context.log.info(f"published {snapshot.path} ({sum(snapshot.tables.values()):,} rows)")
    docs = publish_docs(paths.warehouse, paths.serving)
    context.log.info(f"published the data dictionary {docs}")
    yield dg.MaterializeResult(metadata={"path": str(snapshot.path), **snapshot.tables})
