"""render_report: the provider's own submission only; counts, example lines and what to fix; no row values."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from orchestration.gate import render_report, run_gate
from orchestration.warehouse import ensure_schema

from gate_rows import insert_rows, register

OTHER_SECRETS = ("P0077", "OTHERCLIENT", "1999-09-09")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    register(con, 1, "P0042")
    insert_rows(con, 1, 60, "P0042")
    con.execute(
        "update raw.submission_rows set clientid = 'SECRETCLIENT' || ((source_line - 2) // 3), dob = '1971-03-04'"
    )
    con.execute("update raw.submission_rows set dob = '2015-01-01' where source_line in (5, 6, 7)")  # age
    con.execute("update raw.submission_rows set drug1 = '9000' where source_line = 8")  # episode conflict
    con.execute("update raw.submission_rows set la = 'E07000001' where source_line between 11 and 13")  # warning
    con.execute("insert into raw.extra_columns values (1, 'NOTES', 2)")
    register(con, 2, "P0077")  # another provider, also failing rules, with values that must not leak
    insert_rows(con, 2, 30, "P0077")
    con.execute(
        "update raw.submission_rows set clientid = 'OTHERCLIENT', dob = '1999-09-09', drug1 = 'X' "
        "where submission_id = 2"
    )
    run_gate(con, 1)
    run_gate(con, 2)
    yield con
    con.close()


def test_report_shows_status_counts_examples_and_fixes(con: duckdb.DuckDBPyConnection) -> None:
    report = render_report(con, 1)
    assert "# Submission report: P0042/P0042_2025-06.csv" in report
    assert "Status: **partially_accepted**" in report
    assert "Rows: 60 total, 54 accepted, 6 quarantined" in report
    assert "### age_out_of_range (error): 3 row(s), held back" in report
    assert "Example lines: 5, 6, 7" in report
    assert "### episode_conflict (error): 3 row(s), held back" in report and "Example lines: 8, 9, 10" in report
    assert "### la_not_in_reference (warning): 3 row(s), reported only" in report
    assert "Example lines: 11, 12, 13" in report
    assert "- Columns: NOTES" in report
    assert report.count("- What to fix: ") == 4
    assert "## Rules passed" in report and "drug1_invalid_code" in report


def test_report_holds_no_other_providers_data_and_no_row_values(con: duckdb.DuckDBPyConnection) -> None:
    report = render_report(con, 1)
    for secret in (*OTHER_SECRETS, "SECRETCLIENT", "1971-03-04", "2015-01-01", "E07000001", "9000"):
        assert secret not in report
    offending = con.execute("select string_agg(offending_values, ' ') from quarantine.rows where submission_id = 1")
    assert "2015-01-01" in offending.fetchall()[0][0]  # the values exist (restricted), the report does not show them


def test_examples_are_capped_at_ten_lines(con: duckdb.DuckDBPyConnection) -> None:
    report = render_report(con, 2)
    line = next(x for x in report.splitlines() if x.startswith("- Example lines:"))
    assert len(line.removeprefix("- Example lines: ").removesuffix(" ...").split(", ")) == 10
    assert line.endswith(" ...")
    assert "SECRETCLIENT" not in report and "P0042" not in report


def test_report_for_a_file_rejected_before_the_gate(con: duckdb.DuckDBPyConnection) -> None:
    register(con, 3, "P0042", status="rejected")
    con.execute(
        "update ingest.submissions set reason = 'the header lacks required column(s) DOB' where submission_id = 3"
    )
    report = render_report(con, 3)
    assert "Status: **rejected**" in report and "lacks required column(s) DOB" in report
    assert "not checked row by row" in report
