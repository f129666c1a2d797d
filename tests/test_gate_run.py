"""run_gate's verdicts and bookkeeping: rejection (threshold, provider code, no rows), reconciliation, re-gating."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from orchestration.gate import GateError, run_gate
from orchestration.warehouse import ensure_schema

from gate_rows import insert_rows, register


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    yield con
    con.close()


def _submission(con: duckdb.DuckDBPyConnection, sid: int, rows: int, provider: str = "P0042") -> None:
    register(con, sid, provider)
    if rows:
        insert_rows(con, sid, rows, provider)


def _break(con: duckdb.DuckDBPyConnection, sid: int, sql: str, lines: range | list[int]) -> None:
    con.execute(
        f"update raw.submission_rows set {sql} "
        f"where submission_id = $sid and source_line in ({', '.join(map(str, lines))})",
        {"sid": sid},
    )


def _log(con: duckdb.DuckDBPyConnection, sid: int) -> tuple[str, int, int, int, str | None]:
    return con.execute(
        "select status, rows_total, rows_accepted, rows_quarantined, reason from ingest.submissions "
        "where submission_id = $sid",
        {"sid": sid},
    ).fetchall()[0]


def _quarantine(con: duckdb.DuckDBPyConnection, sid: int) -> list[tuple[int, str]]:
    return con.execute(
        "select source_line, rule from quarantine.rows where submission_id = $sid order by all", {"sid": sid}
    ).fetchall()


def test_clean_file_is_accepted(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 30)
    outcome = run_gate(con, 1)
    assert (outcome.status, outcome.rows_total, outcome.rows_accepted, outcome.rows_quarantined) == (
        "accepted", 30, 30, 0)  # fmt: skip
    assert outcome.rows_failed() == {} and outcome.reason is None
    assert _log(con, 1) == ("accepted", 30, 30, 0, None)
    assert _quarantine(con, 1) == []


def test_more_than_the_allowed_share_failing_rejects_the_file(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 30)
    _break(con, 1, "drug1 = '1234'", range(2, 20))  # episodes 0-5 = lines 2-19: 18 of 30 rows
    outcome = run_gate(con, 1)
    status, total, accepted, quarantined, reason = _log(con, 1)
    assert (status, total, accepted, quarantined) == ("rejected", 30, 0, 30)
    assert reason and "18 of 30 rows (60%)" in reason and "more than the 50% allowed" in reason
    assert "drug1_invalid_code" in reason and "resend" in reason
    rules = dict(_quarantine(con, 1))
    assert {rules[line] for line in range(2, 20)} == {"drug1_invalid_code"}
    assert {rules[line] for line in range(20, 32)} == {"file_rejected"}
    assert outcome.rows_failed() == {"drug1_invalid_code": 18, "file_rejected": 12}


def test_the_failure_share_is_configurable(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 30)
    _break(con, 1, "drug1 = '1234'", range(2, 20))
    outcome = run_gate(con, 1, max_failure_share=0.7)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_quarantined) == ("partially_accepted", 12, 18)
    assert outcome.reason and "18 of 30 rows quarantined" in outcome.reason


def test_rows_of_another_provider_reject_the_file(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 30)
    _break(con, 1, "agncy = 'P0099'", [7])
    outcome = run_gate(con, 1)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_quarantined) == ("rejected", 0, 30)
    assert outcome.reason and "AGNCY is not P0042" in outcome.reason and "line 7" in outcome.reason
    rules = dict(_quarantine(con, 1))
    assert rules.pop(7) == "provider_code_mismatch"
    assert set(rules.values()) == {"file_rejected"} and len(rules) == 29


def test_a_header_only_file_is_rejected(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 0)
    outcome = run_gate(con, 1)
    assert (outcome.status, outcome.rows_total, outcome.rows_accepted, outcome.rows_quarantined) == (
        "rejected", 0, 0, 0)  # fmt: skip
    assert outcome.reason and "no readable data rows (header only)" in outcome.reason
    assert outcome.rows_failed() == {"no_data_rows": 1}


def test_malformed_lines_count_and_are_quarantined(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 30)
    con.execute("insert into raw.malformed_lines values (1, 40, 'TOO FEW COLUMNS: expected 27', 'a,b')")
    outcome = run_gate(con, 1)
    assert (outcome.status, outcome.rows_total, outcome.rows_accepted, outcome.rows_quarantined) == (
        "partially_accepted", 31, 30, 1)  # fmt: skip
    assert _quarantine(con, 1) == [(40, "malformed_line")]


def test_a_file_of_unreadable_lines_only_is_rejected(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 0)
    con.execute("insert into raw.malformed_lines values (1, 2, 'e', 'x'), (1, 3, 'e', 'y')")
    outcome = run_gate(con, 1)
    assert (outcome.status, outcome.rows_total, outcome.rows_quarantined) == ("rejected", 2, 2)
    assert _quarantine(con, 1) == [(2, "malformed_line"), (3, "malformed_line")]


def test_every_gated_submission_reconciles(con: duckdb.DuckDBPyConnection) -> None:
    for sid, rows in ((1, 30), (2, 30), (3, 30), (4, 0)):
        _submission(con, sid, rows)
    _break(con, 2, "sex = 'Q'", [5, 6, 7])
    _break(con, 3, "agncy = 'P0001'", [9])
    con.execute("insert into raw.malformed_lines values (2, 50, 'e', 'x')")
    for sid in (1, 2, 3, 4):
        run_gate(con, sid)
    bad = con.execute(
        """
        select s.submission_id from ingest.submissions s
        where s.rows_total <> s.rows_accepted + s.rows_quarantined
           or s.rows_total <> (select count(*) from raw.submission_rows r where r.submission_id = s.submission_id)
                            + (select count(*) from raw.malformed_lines m where m.submission_id = s.submission_id)
           or s.rows_quarantined <> (select count(distinct q.source_line) from quarantine.rows q
                                     where q.submission_id = s.submission_id)
           or (s.status = 'rejected' and s.rows_accepted <> 0)
        """
    ).fetchall()
    assert bad == []
    statuses = dict(con.execute("select submission_id, status from ingest.submissions").fetchall())
    assert statuses == {1: "accepted", 2: "partially_accepted", 3: "rejected", 4: "rejected"}


def test_regating_replaces_the_submissions_results_and_nothing_else(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 30)
    _submission(con, 2, 30, provider="P0077")
    _break(con, 1, "drug1 = '1234'", [2, 3, 4])
    _break(con, 2, "sex = 'Q'", [5, 6, 7])
    first = run_gate(con, 1)
    run_gate(con, 2)
    snapshot = (_quarantine(con, 1), _quarantine(con, 2), _log(con, 1))
    again = run_gate(con, 1)
    assert (_quarantine(con, 1), _quarantine(con, 2), _log(con, 1)) == snapshot
    assert again == first
    assert con.execute("select count(*) from gate.rule_results where submission_id = 1").fetchall() == [
        (len(first.rules),)
    ]
    _break(con, 1, "drug1 = '1011'", [2, 3, 4])  # the rows fixed: re-gating follows the data
    fixed = run_gate(con, 1)
    assert fixed.status == "accepted" and _quarantine(con, 1) == [] and _quarantine(con, 2) == snapshot[1]


def test_the_gate_leaves_no_batch_views_behind(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 9)
    run_gate(con, 1)
    views = con.execute("select view_name from duckdb_views() where schema_name = 'gate'").fetchall()
    assert views == []


def test_only_loaded_or_previously_gated_submissions_are_gated(con: duckdb.DuckDBPyConnection) -> None:
    register(con, 1, status="duplicate")
    register(con, 2, status="rejected")  # rejected by the loader: keeps the loader's reason
    for sid in (1, 2, 99):
        with pytest.raises(GateError):
            run_gate(con, sid)


def test_the_gate_needs_committed_rows(con: duckdb.DuckDBPyConnection) -> None:
    _submission(con, 1, 9)
    con.execute("begin transaction")
    with pytest.raises(GateError, match="open transaction"):
        run_gate(con, 1)
    con.execute("rollback")
