"""Benchmark: ``run_gate`` on a synthetic national-month file vs the same checks as plain SQL.

``python -m orchestration.gate.bench [ROWS] [DATABASE]``: 2,000,000 rows in memory by default; a new file path
measures a file-backed warehouse, where DuckDB's compression makes most checks much cheaper. The plain-SQL baseline
runs every rule's unexpected-rows query once as ``count(*)`` and inserts the failing rows of failing error rules,
on the same views: the least any gate doing these checks must do. About 1% of the rows carry faults.
"""

from __future__ import annotations

import sys
import time
from datetime import date

import duckdb

from orchestration.gate.batches import batch_views, load_reference_tables
from orchestration.gate.gate import run_gate
from orchestration.gate.rules import gate_rules
from orchestration.gate.synthetic import REPORTING_MONTH, insert_rows, register
from orchestration.warehouse import ensure_schema

_FAULTS = """
update raw.submission_rows set
    drug1 = case when source_line % 997 = 0 then '1234' else drug1 end,
    dob = case when source_line % 1499 = 0 then '2020-01-01' else dob end,
    triaged = case when source_line % 2003 = 0 then '2022-01-01' else triaged end,
    sex = case when source_line % 3001 = 0 then null else sex end
where submission_id = $sid and (source_line % 997 = 0 or source_line % 1499 = 0 or source_line % 2003 = 0
    or source_line % 3001 = 0)
"""


def plain_sql_checks(con: duckdb.DuckDBPyConnection, submission_id: int, provider: str, month: date) -> int:
    """The baseline: each rule's query counted once, failing error rules' rows inserted into a scratch table."""
    load_reference_tables(con)
    con.execute("create or replace temp table bench_quarantine (source_line bigint, rule varchar)")
    failing = 0
    with batch_views(con, submission_id, provider, month, temporary=True) as views:
        for rule in gate_rules():
            if rule.query is None:
                con.execute(f"select count(*) from {views.relation('rows')}").fetchall()
                continue
            query = rule.render(views.relation(str(rule.batch)))
            (count,) = con.execute(f"select count(*) from ({query}) as q").fetchall()[0]
            if count and rule.severity == "error":
                con.execute(f"insert into bench_quarantine select source_line, '{rule.name}' from ({query}) as q")
                failing += count
    return failing


def main(rows: int, database: str) -> None:
    con = duckdb.connect(database)
    con.execute("set enable_progress_bar = false")
    ensure_schema(con)
    register(con, 1)
    started = time.perf_counter()
    insert_rows(con, 1, rows)
    con.execute(_FAULTS, {"sid": 1})
    con.execute("checkpoint")
    print(f"synthetic rows: {rows:,} in {time.perf_counter() - started:.1f}s ({database})")
    run_gate(con, 1)  # warm-up: GX import and context, DuckDB caches
    timings = {}
    for label, work in (
        ("plain SQL checks", lambda: plain_sql_checks(con, 1, "P0042", REPORTING_MONTH)),
        ("run_gate (GX)", lambda: run_gate(con, 1)),
    ):
        started = time.perf_counter()
        work()
        timings[label] = time.perf_counter() - started
        print(f"{label:>18}: {timings[label]:.2f}s")
    print(f"ratio gate / plain SQL: {timings['run_gate (GX)'] / timings['plain SQL checks']:.2f}")
    con.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000, sys.argv[2] if len(sys.argv) > 2 else ":memory:")
