"""The quality gate as an asset: every loaded submission gated in one pass, then the provider reports written."""

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.assets.ingest_assets import landing_submissions
from orchestration.defs.partitions import selected_months
from orchestration.defs.resources import JourneysConfig
from orchestration.gate import gate_submissions, pending_submissions, render_reports
from orchestration.ingest.submissions_log import resolve_superseded
from orchestration.warehouse import WRITER_POOL, connect


@dg.asset(
    group_name="gate",
    pool=WRITER_POOL,
    deps=[landing_submissions],  # not partitioned: a month's run, or any other, gates every loaded submission
    description="Great Expectations gate over every loaded submission: rows accepted or quarantined with a rule, "
    "broken files rejected; then the latest usable file per provider and month wins (others superseded).",
)
def gated_submissions(context: dg.AssetExecutionContext, journeys: JourneysConfig) -> dg.MaterializeResult:
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
    return dg.MaterializeResult(
        metadata={
            "gated": len(outcomes),
            "newly_superseded": superseded,
            "statuses": dg.MetadataValue.json(statuses),
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
