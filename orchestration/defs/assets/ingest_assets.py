"""Ingestion as an asset: new files in the landing directory, logged and loaded into ``raw``."""

import dagster as dg

from orchestration.defs.partitions import reporting_months, selected_months
from orchestration.defs.resources import JourneysConfig
from orchestration.ingest.run import ingest_landing
from orchestration.preflight import preflight
from orchestration.pseudonymise import record_key
from orchestration.runner.progress import step_progress
from orchestration.warehouse import WRITER_POOL, connect


@dg.asset(
    group_name="ingest",
    pool=WRITER_POOL,
    partitions_def=reporting_months,
    backfill_policy=dg.BackfillPolicy.single_run(),
    description="New files in the landing directory, logged and loaded into raw (restricted).",
)
def landing_submissions(context: dg.AssetExecutionContext, journeys: JourneysConfig) -> dg.MaterializeResult:
    paths = journeys.paths()
    preflight(paths)  # landing readable, same pseudonymisation key: checked before anything is written
    with connect(paths.warehouse) as con:
        record_key(con)
        summary = ingest_landing(
            con,
            paths.landing,
            as_of=journeys.as_of_date(),
            months=selected_months(context),
            progress=step_progress(context, "files"),
        )
    context.log.info(summary.describe())
    for file_name, reason in summary.rejections:
        context.log.warning(f"rejected {file_name}: {reason}")
    return dg.MaterializeResult(
        metadata={
            "summary": summary.describe(),
            "files_seen": summary.files_seen,
            "loaded": summary.loaded,
            "duplicate": summary.duplicate,
            "rejected": summary.rejected,
            "rows_loaded": summary.rows_loaded,
            "malformed_lines": summary.malformed_lines,
        }
    )
