"""The serving snapshot for BI tools, behind the marts-sanity suite."""

from dagster import AssetCheckResult, AssetCheckSpec, AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.gate import run_marts_sanity
from orchestration.resources import JourneysConfig
from orchestration.serving import publish_snapshot
from orchestration.settings import Paths
from orchestration.warehouse import WRITER_POOL, connect, warehouse_lock

MARTS = (
    "episodes", "journeys", "transfers", "retention_3_months", "transfer_outcomes", "qs8_measures",
    "qs8_structure", "nice_concordance", "waiting_times", "successful_completions", "submissions", "data_quality",
)  # fmt: skip


@asset(
    group_name="serving",
    pool=WRITER_POOL,
    deps=[AssetKey(["marts", name]) for name in MARTS],
    check_specs=[AssetCheckSpec("marts_sanity", asset="serving_snapshot", blocking=True)],
    description="serving.duckdb: schema marts only, published atomically (new file, then rename) after the "
    "marts-sanity suite passes. BI tools open it read-only.",
)
def serving_snapshot(context: AssetExecutionContext, journeys: JourneysConfig):  # type: ignore[no-untyped-def]
    paths = journeys.paths()
    with warehouse_lock(paths.warehouse):
        yield from _check_and_publish(context, paths)


def _check_and_publish(context: AssetExecutionContext, paths: Paths):  # type: ignore[no-untyped-def]
    with connect(paths.warehouse, read_only=True) as con:
        results = run_marts_sanity(con)
    failed = [r for r in results if not r.passed]
    yield AssetCheckResult(
        check_name="marts_sanity",
        passed=not failed,
        metadata={r.name: ("pass" if r.passed else f"FAIL: {r.details}") for r in results},
    )
    if failed:
        raise RuntimeError(
            "marts sanity failed, the serving snapshot was NOT published (the previous one stays): "
            + "; ".join(f"{r.name}: {r.details}" for r in failed)
        )
    snapshot = publish_snapshot(paths.warehouse, paths.serving)
    context.log.info(f"published {snapshot.path} ({sum(snapshot.tables.values()):,} rows)")
    yield MaterializeResult(metadata={"path": str(snapshot.path), **snapshot.tables})
