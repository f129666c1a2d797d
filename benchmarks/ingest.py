"""Ingestion (scan + log + load with lineage) vs plain ``read_csv`` of the same files into a table."""

from __future__ import annotations

from pathlib import Path

from benchmarks.measure import in_subprocess, report


def run(landing: Path, work: Path) -> str:
    warehouse = work / "bench_ingest.duckdb"
    baseline_db = work / "bench_baseline.duckdb"
    for db in (warehouse, baseline_db):
        db.unlink(missing_ok=True)
    baseline = in_subprocess(
        "duckdb read_csv -> table",
        f"""
import duckdb
con = duckdb.connect({str(baseline_db)!r})
con.execute("create table t as select * from read_csv('{landing}/**/*.csv', all_varchar=true, header=true)")
RESULT = {{'rows': con.execute('select count(*) from t').fetchone()[0]}}
con.close()
""",
    )
    subject = in_subprocess(
        "journeys ingest_landing",
        f"""
from pathlib import Path
from orchestration.ingest.run import ingest_landing
from orchestration.warehouse import connect
with connect(Path({str(warehouse)!r})) as con:
    summary = ingest_landing(con, Path({str(landing)!r}))
RESULT = {{'rows': summary.rows_loaded}}
""",
    )
    rows = int(baseline.result["rows"])
    if int(subject.result["rows"]) != rows:
        raise RuntimeError(f"row counts differ: ingest {subject.result['rows']} vs baseline {rows}")
    return report("ingestion", subject, baseline, rows, limit=1.5)
