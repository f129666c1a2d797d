"""The quality gate (``run_gate``, GX inside DuckDB) on every submission of a national month vs plain SQL checks.

The baseline is ``orchestration.gate.bench.plain_sql_checks`` (the gate engineer's definition of "the least any
gate doing these checks must do"): per submission, the same batch views, every rule's unexpected-rows query
counted once, and the failing rows of failing error rules inserted into a scratch table. Both sides gate the same
submissions one at a time, each on its own copy of the same ingested warehouse, in a fresh process; GX's import
and context creation are inside the gate's timed work (every pipeline run pays them once).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import data
from benchmarks.measure import Measurement, Verdict, best_of, in_subprocess, report

TARGET = 3.0


def _setup(imports: str, database: Path) -> str:
    """Untimed: imports, the connection, the submissions to gate and the row count."""
    return f"""{imports}
import duckdb
con = duckdb.connect({str(database)!r})
con.execute('set enable_progress_bar = false')
subs = con.execute(
    "select submission_id, provider_code, reporting_month from ingest.submissions where status = 'loaded' "
    "order by submission_id"
).fetchall()
rows = con.execute('select count(*) from raw.submission_rows').fetchall()[0][0]
"""


def _on_copy(work: Path, source: Path, label: str, imports: str, code: str) -> Measurement:
    """One measured run on a fresh copy of the ingested warehouse (the gate changes it)."""
    database = data.scratch_copy(work, source, "gate")
    measured = in_subprocess(label, setup=_setup(imports, database), code=code)
    data.drop_scratch(work, "gate")
    return measured


_BASELINE = """
failing = sum(plain_sql_checks(con, sid, provider, month) for sid, provider, month in subs)
con.close()
RESULT = {'rows': rows, 'submissions': len(subs), 'failing': failing}
"""

_GATE = """
first = None
statuses = {}
quarantined = 0
for sid, _, _ in subs:
    outcome = run_gate(con, sid)
    first = first if first is not None else time.perf_counter() - t0
    statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    quarantined += outcome.rows_quarantined
con.close()
RESULT = {'rows': rows, 'submissions': len(subs), 'first_seconds': first or 0.0, 'quarantined': quarantined,
          'statuses': statuses}
"""


def run(work: Path, dataset: data.DataSet, repeat: int = 1) -> tuple[str, list[Verdict]]:
    source = data.ingested_warehouse(work, dataset)
    plain = "from orchestration.gate.bench import plain_sql_checks"
    baseline = best_of(repeat, lambda: _on_copy(work, source, "plain SQL checks (per submission)", plain, _BASELINE))
    gx = "from orchestration.gate import run_gate"
    subject = best_of(repeat, lambda: _on_copy(work, source, "journeys run_gate (GX)", gx, _GATE))
    rows = int(baseline.result["rows"])
    submissions = int(baseline.result["submissions"])
    if int(subject.result["submissions"]) != submissions:
        raise RuntimeError("the gate and the baseline saw different submissions")
    text, verdict = report(f"gate ({submissions} submissions)", subject, baseline, rows, limit=TARGET)
    first = float(subject.result["first_seconds"])
    per_submission = (subject.seconds - first) / max(submissions - 1, 1)
    text += (
        f"\n  gate: first submission {first:.1f} s (incl. GX import and context), then {per_submission:.2f} s per "
        f"submission vs {baseline.seconds / max(submissions, 1):.2f} s for the plain SQL checks"
        f"\n  gate outcomes: {subject.result['statuses']}, {int(subject.result['quarantined']):,} rows quarantined "
        f"(baseline: {int(baseline.result['failing']):,} failing error-rule rows)"
    )
    return text, [verdict]
