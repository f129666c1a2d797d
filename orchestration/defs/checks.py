"""The gate's reconciliation as blocking asset checks on ``gated_submissions`` (the dbt tests are checks too:
dagster-dbt makes them from the manifest, see :mod:`orchestration.defs.assets.dbt_assets`)."""

import dagster as dg

from orchestration.defs.assets.gate_assets import gated_submissions
from orchestration.defs.resources import JourneysConfig
from orchestration.warehouse import WRITER_POOL, connect


@dg.asset_check(
    asset=gated_submissions,
    blocking=True,
    pool=WRITER_POOL,
    description="Every row of every gated submission is accepted or quarantined: rows_total = accepted + quarantined.",
)
def rows_reconcile(journeys: JourneysConfig) -> dg.AssetCheckResult:
    with connect(journeys.paths().warehouse) as con:
        bad = con.execute(
            """
            select s.submission_id, s.file_name, s.rows_total, s.rows_accepted, s.rows_quarantined,
                   (select count(*) from raw.submission_rows r where r.submission_id = s.submission_id)
                 + (select count(*) from raw.malformed_lines m where m.submission_id = s.submission_id) as rows_read
            from ingest.submissions s
            where s.status in ('accepted', 'partially_accepted', 'rejected', 'superseded') and s.rows_total is not null
              and (s.rows_total <> s.rows_accepted + s.rows_quarantined or s.rows_total <> rows_read)
            limit 20
            """
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not bad,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"submissions_not_reconciling": dg.MetadataValue.json([list(map(str, r)) for r in bad])},
    )


@dg.asset_check(
    asset=gated_submissions,
    blocking=True,
    pool=WRITER_POOL,
    description="No submission is left loaded but ungated (a crash between load and gate is finished next run).",
)
def all_submissions_gated(journeys: JourneysConfig) -> dg.AssetCheckResult:
    with connect(journeys.paths().warehouse) as con:
        (pending,) = con.execute("select count(*) from ingest.submissions where status = 'loaded'").fetchone()  # type: ignore[misc]
    return dg.AssetCheckResult(passed=pending == 0, metadata={"ungated": pending})
