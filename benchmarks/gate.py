"""The quality gate (one GX pass over every pending submission) vs its floor, and its cost per file.

``run`` (stage ``gate``): every submission of a national month, ingested and waiting to be gated. The floor is
``benchmarks.gate_floor.plain_sql_checks``: the same rule queries run once each in plain DuckDB SQL over all
pending rows, failing rows inserted into a scratch table. Both sides run on their own copy of the same ingested
warehouse, in a fresh process; GX's import and context creation are inside the gate's timed work (every pipeline
run pays them once), and the verdict is on that run. A third run imports GX in the untimed setup, to show what the
import costs (about 3.5 s of CPU, a fixed cost per process) apart from the gate's work. Target: at most 1.5x.

``run_files`` (stage ``gate-files``): the gate's cost per file. The same 10,000 clean synthetic rows, once as one
file and once as 1,000 files of 10 rows (each a submission of its own provider), gated in one pass each. Target:
the 1,000 files in at most 3x the time of the one file.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import data
from benchmarks.measure import Measurement, Verdict, best_of, cpu_ratio, in_subprocess, line, ratio, report

TARGET = 1.5
FILES_TARGET = 3.0


def _setup(imports: str, database: Path) -> str:
    """Untimed: imports, the connection, the submissions to gate and the row count."""
    return f"""{imports}
import duckdb
con = duckdb.connect({str(database)!r})
con.execute('set enable_progress_bar = false')
from orchestration.gate import pending_submissions
subs = pending_submissions(con)
rows = con.execute('select count(*) from raw.submission_rows').fetchall()[0][0]
"""


def _on_copy(work: Path, source: Path, label: str, imports: str, code: str) -> Measurement:
    """One measured run on a fresh copy of the warehouse (the gate changes it)."""
    database = data.scratch_copy(work, source, "gate")
    measured = in_subprocess(label, setup=_setup(imports, database), code=code)
    data.drop_scratch(work, "gate")
    return measured


_FLOOR = """
failing = plain_sql_checks(con, subs)
con.close()
RESULT = {'rows': rows, 'submissions': len(subs), 'failing': failing}
"""

_GATE = """
statuses = {}
quarantined = 0
for outcome in gate_submissions(con, subs):
    statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    quarantined += outcome.rows_quarantined
con.close()
RESULT = {'rows': rows, 'submissions': len(subs), 'quarantined': quarantined, 'statuses': statuses}
"""

FLOOR_IMPORTS = "from benchmarks.gate_floor import plain_sql_checks"
GATE_IMPORTS = "from orchestration.gate import gate_submissions"


def floor(work: Path, source: Path) -> Measurement:
    """The floor on a copy of ``source``: plain SQL rule queries once over all its pending rows."""
    return _on_copy(work, source, "floor: rule queries once, plain SQL", FLOOR_IMPORTS, _FLOOR)


def run(work: Path, dataset: data.DataSet, repeat: int = 1) -> tuple[str, list[Verdict]]:
    source = data.ingested_warehouse(work, dataset)
    baseline = best_of(repeat, lambda: floor(work, source))
    subject = best_of(repeat, lambda: _on_copy(work, source, "journeys gate (GX, one pass)", GATE_IMPORTS, _GATE))
    warm_imports = f"{GATE_IMPORTS}\nimport great_expectations"
    warm = best_of(repeat, lambda: _on_copy(work, source, "the same, GX imported (untimed)", warm_imports, _GATE))
    rows = int(baseline.result["rows"])
    submissions = int(baseline.result["submissions"])
    if int(subject.result["submissions"]) != submissions:
        raise RuntimeError("the gate and the floor saw different submissions")
    text, verdict = report(f"gate ({submissions} submissions, one pass)", subject, baseline, rows, limit=TARGET)
    text += (
        f"\n{line(warm, rows)}\n  ratio {ratio(warm, baseline):.2f}x with GX already imported; "
        f"cpu ratio {cpu_ratio(warm, baseline):.2f}x"
        f"\n  gate outcomes: {subject.result['statuses']}, {int(subject.result['quarantined']):,} rows quarantined "
        f"(floor: {int(baseline.result['failing']):,} failing error-rule rows)"
    )
    return text, [verdict]


_SYNTHETIC = """
import sys
import duckdb
sys.path.insert(0, 'tests')  # the tests' clean-row builder (tests/gate_rows.py); the subprocess runs at the root
from gate_rows import insert_rows
from orchestration.warehouse import ensure_schema
con = duckdb.connect({database!r})
ensure_schema(con)
insert_rows(con, 0, {rows})
per_file = {rows} // {files}
con.execute(
    "update raw.submission_rows set submission_id = (source_line - 2) // $n + 1, "
    "source_line = (source_line - 2) % $n + 2, agncy = printf('P%04d', (source_line - 2) // $n + 1)",
    {{'n': per_file}},
)
con.execute(
    "insert into ingest.submissions (submission_id, provider_code, reporting_month, file_name, file_sha256, "
    "file_size, received_at, logged_at, status) select i, printf('P%04d', i), date '2025-06-01', "
    "printf('P%04d_2025-06.csv', i), 'sha-' || i, 0, now()::timestamp, now()::timestamp, 'loaded' "
    "from range(1, {files} + 1) t(i)"
)
con.close()
RESULT = {{}}
"""


def _synthetic_warehouse(work: Path, files: int, rows: int) -> Path:
    """``rows`` clean rows as ``files`` loaded submissions of equal size (untimed)."""
    database = data.scratch_dir(work, f"gate_files_{files}") / data.WAREHOUSE_NAME
    in_subprocess("synthetic rows", code=_SYNTHETIC.format(database=str(database), rows=rows, files=files))
    return database


def run_files(work: Path, files: int = 1000, rows: int = 10_000, repeat: int = 1) -> tuple[str, list[Verdict]]:
    one = _synthetic_warehouse(work, 1, rows)
    many = _synthetic_warehouse(work, files, rows)
    label = f"one file of {rows:,} rows"
    single = best_of(repeat, lambda: _on_copy(work, one, label, GATE_IMPORTS, _GATE))
    label = f"{files:,} files of {rows // files:,} rows"
    spread = best_of(repeat, lambda: _on_copy(work, many, label, GATE_IMPORTS, _GATE))
    floor_many = floor(work, many)
    for name in (f"gate_files_{files}", "gate_files_1"):
        data.drop_scratch(work, name)
    if int(spread.result["submissions"]) != files or spread.result["statuses"] != {"accepted": files}:
        raise RuntimeError(f"the {files} files were not all accepted: {spread.result}")
    text, verdict = report(f"gate cost per file ({files:,} files vs one)", spread, single, rows, limit=FILES_TARGET)
    text += f"\n{line(floor_many, rows)}  (the {files:,} files)"
    return text, [verdict]
