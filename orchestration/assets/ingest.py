"""Ingestion and the quality gate as assets; the gate's reconciliation as blocking asset checks."""

from pathlib import Path

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from orchestration.gate import gate_submissions, pending_submissions, render_reports
from orchestration.ingest.run import ingest_landing
from orchestration.ingest.submissions_log import resolve_superseded
from orchestration.partitions import reporting_months, selected_months
from orchestration.preflight import preflight
from orchestration.progress import step_progress
from orchestration.pseudonymise import record_key
from orchestration.resources import JourneysConfig
from orchestration.warehouse import WRITER_POOL, connect


@asset(
    group_name="ingest",
    pool=WRITER_POOL,
    partitions_def=reporting_months,
    backfill_policy=BackfillPolicy.single_run(),
    description="New files in the landing directory, logged and loaded into raw (restricted).",
)
def landing_submissions(context: AssetExecutionContext, journeys: JourneysConfig) -> MaterializeResult:
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
    return MaterializeResult(
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


@asset(
    group_name="gate",
    pool=WRITER_POOL,
    deps=[landing_submissions],  # not partitioned: a month's run, or any other, gates every loaded submission
    description="Great Expectations gate over every loaded submission: rows accepted or quarantined with a rule, "
    "broken files rejected; then the latest usable file per provider and month wins (others superseded).",
)
def gated_submissions(context: AssetExecutionContext, journeys: JourneysConfig) -> MaterializeResult:
    paths = journeys.paths()
    with connect(paths.warehouse) as con:
        pending = pending_submissions(con, selected_months(context))
        outcomes = gate_submissions(con, pending, max_failure_share=journeys.max_failure_share)
        write_reports(con, paths.reports, pending)
        superseded = resolve_superseded(con)
        statuses = dict(
            con.execute("select status, count(*) from ingest.submissions group by status order by status").fetchall()
        )
    context.log.info(f"gated {len(outcomes)} submissions; {superseded} superseded; statuses {statuses}")
    return MaterializeResult(
        metadata={
            "gated": len(outcomes),
            "newly_superseded": superseded,
            "statuses": MetadataValue.json(statuses),
        }
    )


def _report_paths(
    con: duckdb.DuckDBPyConnection, reports_dir: Path, where: str, ids: list[int] | None = None
) -> list[tuple[int, Path]]:
    """``<reports>/<PROVIDER>/<id>_<file>.md`` of the submissions matching ``where`` (unusable names: ``_unknown``)."""
    rows = con.execute(
        f"select submission_id, coalesce(provider_code, '_unknown'), file_name from ingest.submissions where {where}",
        {"ids": ids} if ids is not None else {},
    ).fetchall()
    return [
        (int(sid), reports_dir / provider / f"{int(sid):06d}_{_stem(file_name)}.md")
        for sid, provider, file_name in rows
    ]


def _stem(file_name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in file_name.removesuffix(".csv"))[:120]


def write_reports(con: duckdb.DuckDBPyConnection, reports_dir: Path, gated: list[int] | None = None) -> None:
    """The reports of the ``gated`` submissions, and of files rejected before the gate (name, encoding, header)
    that have none yet: built together (:func:`render_reports`), one file each."""
    unreported = [
        (sid, path)
        for sid, path in _report_paths(con, reports_dir, "status = 'rejected' and rows_total is null")
        if not path.exists()
    ]
    where = "submission_id in (select unnest($ids::bigint[]))"
    targets = [*_report_paths(con, reports_dir, where, gated or []), *unreported]
    reports = render_reports(con, [sid for sid, _ in targets])
    for folder in {path.parent for _, path in targets}:
        folder.mkdir(parents=True, exist_ok=True)
    for sid, path in targets:
        path.write_text(reports[sid], encoding="utf-8")


@asset_check(
    asset=gated_submissions,
    blocking=True,
    pool=WRITER_POOL,
    description="Every row of every gated submission is accepted or quarantined: rows_total = accepted + quarantined.",
)
def rows_reconcile(journeys: JourneysConfig) -> AssetCheckResult:
    with connect(journeys.paths().warehouse) as con:
        bad = con.execute(
            """
            select s.submission_id, s.file_name, s.rows_total, s.rows_accepted, s.rows_quarantined,
                   (select count(*) from raw.submission_rows r where r.submission_id = s.submission_id)
                 + (select count(*) from raw.malformed_lines m where m.submission_id = s.submission_id) as rows_read
            from ingest.submissions s
            where s.status in ('accepted', 'partially_accepted', 'rejected', 'superseded') and s.rows_total is not null
              and (s.rows_total <> s.rows_accepted + s.rows_quarantined or s.rows_total <> rows_read)
            """
        ).fetchall()
    return AssetCheckResult(
        passed=not bad,
        severity=AssetCheckSeverity.ERROR,
        metadata={"submissions_not_reconciling": MetadataValue.json([list(map(str, r)) for r in bad[:20]])},
    )


@asset_check(
    asset=gated_submissions,
    blocking=True,
    pool=WRITER_POOL,
    description="No submission is left loaded but ungated (a crash between load and gate is finished next run).",
)
def all_submissions_gated(journeys: JourneysConfig) -> AssetCheckResult:
    with connect(journeys.paths().warehouse) as con:
        (pending,) = con.execute("select count(*) from ingest.submissions where status = 'loaded'").fetchone()  # type: ignore[misc]
    return AssetCheckResult(passed=pending == 0, metadata={"ungated": pending})
