"""Crafted warehouses for the dbt tests: submissions and raw rows inserted with SQL (as ingest and the gate would
leave them), then a real ``dbt build`` of a selection on that DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from orchestration.warehouse import SUBMISSION_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = ROOT / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"


def insert_submission(
    con: duckdb.DuckDBPyConnection,
    sid: int,
    provider: str,
    month: str,
    rows: Sequence[Mapping[str, str | None]],
    status: str = "accepted",
    received: str = "2025-01-01 00:00:00",
) -> None:
    """One logged submission of ``provider`` for ``month`` (``YYYY-MM-01``) and its raw rows (complete rows:
    every column not given is NULL; AGNCY is the provider)."""
    con.execute(
        """insert into ingest.submissions (submission_id, provider_code, reporting_month, file_name, file_sha256,
               file_size, received_at, logged_at, status, rows_total, rows_accepted, rows_quarantined, reason)
           values (?, ?, ?, ?, ?, 100, ?, ?, ?, ?, ?, 0, null)""",
        [sid, provider, month, f"{provider}/{provider}_{month[:7]}.csv", f"sha{sid}", received, received, status,
         len(rows), len(rows)],
    )  # fmt: skip
    if not rows:
        return
    columns = ", ".join(SUBMISSION_COLUMNS)
    marks = ", ".join("?" for _ in SUBMISSION_COLUMNS)
    con.executemany(
        f"insert into raw.submission_rows (submission_id, source_line, {columns}) values (?, ?, {marks})",
        [
            [sid, line, *[{**row, "agncy": provider}.get(c) for c in SUBMISSION_COLUMNS]]
            for line, row in enumerate(rows, start=2)
        ],
    )


def dbt_build(warehouse: Path, work: Path, selector: Sequence[str], key: str) -> None:
    """``dbt build`` (unit and data tests included) of ``selector`` on ``warehouse``; fails with dbt's output."""
    env = {
        **os.environ,
        "JOURNEYS_WAREHOUSE": str(warehouse),
        "JOURNEYS_PSEUDONYM_KEY": key,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    cmd = [
        str(DBT), "build", *selector,
        "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
