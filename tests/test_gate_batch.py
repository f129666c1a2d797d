"""One gate pass over many submissions: each file gets exactly the outcome it gets alone; all or nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import duckdb
import pytest

from orchestration.gate import GateError, gate_submissions, pending_submissions, run_gate
from orchestration.gate import gate as gate_module
from orchestration.gate.batch_relations import batch_views, load_reference_tables
from orchestration.gate.rules import gate_rules
from orchestration.warehouse import ensure_schema

from gate_rows import insert_rows, register


def _break(con: duckdb.DuckDBPyConnection, sid: int, sql: str, where: str) -> None:
    con.execute(f"update raw.submission_rows set {sql} where submission_id = {sid} and ({where})")


def _warehouse() -> duckdb.DuckDBPyConnection:
    """Files that share episodes, keys and line numbers, so any rule not partitioned by submission would mix them."""
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    files: list[tuple[int, str, date, int]] = [
        (1, "P0042", date(2025, 6, 1), 30),  # clean
        (2, "P0042", date(2025, 6, 1), 30),  # the same rows again (a resend): not duplicates of file 1
        (3, "P0042", date(2025, 5, 1), 30),  # the same rows, an earlier month: dates in June fail here only
        (4, "P0077", date(2025, 6, 1), 30),  # another provider, failing rows under the threshold
        (5, "P0077", date(2025, 6, 1), 30),  # too many failing rows: rejected
        (6, "P0042", date(2025, 6, 1), 30),  # one row of another provider: rejected
        (7, "P0042", date(2025, 6, 1), 0),  # header only
        (8, "P0042", date(2025, 6, 1), 30),  # same episodes as file 1 but conflicting values; a duplicate; warnings
    ]
    for sid, provider, month, rows in files:
        register(con, sid, provider, month)
        if rows:
            insert_rows(con, sid, rows, provider)
    _break(con, 3, "modst = '2025-06-02', subst = '2025-06-03'", "source_line = 4")
    _break(con, 4, "sex = 'Q'", "source_line in (5, 6, 7)")
    _break(con, 5, "drug1 = '1234'", "source_line < 26")  # 8 whole episodes
    _break(con, 6, "agncy = 'P0099'", "source_line = 9")
    _break(con, 8, "drug1 = '9000'", "source_line = 8")  # episode conflict within file 8 (lines 8-10)
    _break(con, 8, "subid = 'S1', subint = 'PSYMOTI'", "source_line = 12")  # duplicates line 11 (k0 and k1)
    _break(con, 8, "la = 'E07000001'", "source_line between 14 and 16")  # la_not_in_reference (warning)
    con.execute("insert into raw.malformed_lines values (4, 40, 'TOO FEW COLUMNS', 'a,b'), (7, 2, 'e', 'x')")
    con.execute("insert into raw.extra_columns values (8, 'NOTES', 3)")
    return con


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "submissions": con.execute(
            "select submission_id, status, rows_total, rows_accepted, rows_quarantined, reason "
            "from ingest.submissions order by all"
        ).fetchall(),
        "quarantine": con.execute("select * from quarantine.rows order by all").fetchall(),
        "rule_results": con.execute("select * from gate.rule_results order by all").fetchall(),
    }


@pytest.fixture(scope="module")
def one_pass() -> Iterator[tuple[duckdb.DuckDBPyConnection, list[gate_module.GateOutcome], list[tuple[int, int]]]]:
    con = _warehouse()
    calls: list[tuple[int, int]] = []
    outcomes = gate_submissions(con, pending_submissions(con), progress=lambda done, total: calls.append((done, total)))
    yield con, outcomes, calls
    con.close()


def test_one_pass_gives_every_file_the_outcome_it_gets_alone(one_pass: Any) -> None:
    con, outcomes, _ = one_pass
    alone = _warehouse()
    one_by_one = [run_gate(alone, sid) for sid in range(1, 9)]
    assert outcomes == one_by_one
    assert _state(con) == _state(alone)
    alone.close()


def test_rules_judge_each_file_on_its_own_rows(one_pass: Any) -> None:
    _, outcomes, _ = one_pass
    by_id = {o.submission_id: o for o in outcomes}
    assert [by_id[sid].status for sid in range(1, 9)] == [
        "accepted", "accepted", "partially_accepted", "partially_accepted", "rejected", "rejected", "rejected",
        "partially_accepted"]  # fmt: skip
    assert by_id[2].rows_failed() == {}  # the same keys as file 1: no duplicate_record / episode_conflict across files
    assert by_id[3].rows_failed() == {"date_after_reporting_month": 1}  # its own month_end
    assert by_id[4].rows_failed() == {"sex_invalid_code": 3, "malformed_line": 1}
    assert by_id[5].reason and "24 of 30 rows" in by_id[5].reason
    assert by_id[6].reason and "AGNCY is not P0042" in by_id[6].reason and "line 9" in by_id[6].reason
    assert by_id[7].rows_failed() == {"no_data_rows": 1, "malformed_line": 1}
    assert by_id[8].rows_failed() == {
        "episode_conflict": 3, "duplicate_record": 2, "la_not_in_reference": 3, "extra_columns": 1}  # fmt: skip
    for outcome in outcomes:
        assert outcome.rows_total == outcome.rows_accepted + outcome.rows_quarantined


def test_progress_counts_the_rules_validated(one_pass: Any) -> None:
    _, _, calls = one_pass
    total = len(gate_rules())
    assert calls and all(t == total for _, t in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls) and calls[-1][0] == total


def test_every_rule_query_selects_submission_id_first() -> None:
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    load_reference_tables(con)
    with batch_views(con, [], temporary=True) as views:
        for rule in gate_rules():
            query = rule.render(views.relation(str(rule.batch)))
            columns = [d[0] for d in con.execute(f"select * from ({query}) limit 0").description or []]
            expected = (
                ["submission_id", "source_line"] if rule.quarantines or rule.batch == "rows" else ["submission_id"]
            )
            assert columns[: len(expected)] == expected, rule.name
    con.close()


def _crashing(monkeypatch: pytest.MonkeyPatch, name: str, wrap: Callable[..., Any]) -> None:
    monkeypatch.setattr(gate_module, name, wrap(getattr(gate_module, name)))


def test_a_crash_mid_gate_leaves_no_submission_half_gated(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _warehouse()
    before = _state(con)

    def after_quarantine_and_verdicts(real: Callable[..., Any]) -> Callable[..., Any]:
        def crash(*args: Any) -> Any:
            real(*args)  # quarantine rows, rule results and statuses written (not committed) ...
            raise KeyboardInterrupt  # ... then Ctrl-C

        return crash

    _crashing(monkeypatch, "_write_verdicts", after_quarantine_and_verdicts)
    with pytest.raises(KeyboardInterrupt):
        gate_submissions(con, pending_submissions(con))
    assert _state(con) == before
    monkeypatch.undo()
    assert len(gate_submissions(con, pending_submissions(con))) == 8  # the next run gates them all
    con.close()


def test_gx_and_quarantine_counts_must_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _warehouse()
    before = _state(con)

    def one_more(real: Callable[..., Any]) -> Callable[..., Any]:
        def validate(*args: Any) -> dict[str, int]:
            counts: dict[str, int] = real(*args)
            counts["sex_invalid_code"] += 1
            return counts

        return validate

    _crashing(monkeypatch, "_validate", one_more)
    with pytest.raises(GateError, match="sex_invalid_code: GX counted 4 rows, the quarantine query 3"):
        gate_submissions(con, pending_submissions(con))
    assert _state(con) == before
    con.close()
