"""validate_files (``journeys validate``) on real CSV files, and the gate against the generator's fault manifest."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from orchestration.gate import run_gate, validate_files
from orchestration.gate.rules import gate_rules
from orchestration.warehouse import SUBMISSION_COLUMNS, ensure_schema

from gate_rows import insert_rows


def _write_csv(path: Path, rows: int, *updates: str) -> Path:
    """A submission file from clean synthetic rows (then ``updates`` applied), written by DuckDB's CSV writer."""
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    if rows:
        insert_rows(con, 1, rows)
    for update in updates:
        con.execute(f"update raw.submission_rows set {update}")
    columns = ", ".join(f"{c} as {c.upper()}" for c in SUBMISSION_COLUMNS)
    con.execute(f"copy (select {columns} from raw.submission_rows order by source_line) to '{path}' (header)")
    con.close()
    return path


def test_a_clean_file_would_be_accepted(tmp_path: Path) -> None:
    (result,) = validate_files([_write_csv(tmp_path / "P0042_2025-06.csv", 30)])
    assert (result.status, result.rejected, result.rows_failed) == ("accepted", False, {})
    assert result.outcome is not None and result.outcome.rows_total == 30
    assert "Status: **accepted**" in result.report


def test_faulty_files_report_per_rule_counts(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "P0042_2025-06.csv", 30, "sex = 'Q' where source_line in (2, 3, 4)")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("P0042,too,few,fields\n")
    (result,) = validate_files([path])
    assert result.status == "partially_accepted" and not result.rejected
    assert result.rows_failed == {"sex_invalid_code": 3, "malformed_line": 1}
    assert "### sex_invalid_code (error): 3 row(s)" in result.report and "Example lines: 2, 3, 4" in result.report


def test_rejected_files_say_why(tmp_path: Path) -> None:
    bad_name = _write_csv(tmp_path / "provider42.csv", 3)
    header_only = _write_csv(tmp_path / "P0042_2025-05.csv", 0)
    other_provider = _write_csv(tmp_path / "P0042_2025-04.csv", 6, "agncy = 'P0099' where source_line = 3")
    results = validate_files([bad_name, header_only, other_provider])
    assert [r.rejected for r in results] == [True, True, True]
    assert "does not follow <PROVIDER>_<YYYY-MM>.csv" in (results[0].reason or "") and results[0].outcome is None
    assert results[1].rows_failed == {"no_data_rows": 1}
    assert results[2].rows_failed == {"provider_code_mismatch": 1, "file_rejected": 5}
    assert all("Status: **rejected**" in r.report for r in results)


def test_files_checked_together_get_the_result_each_gets_alone(tmp_path: Path) -> None:
    paths = [
        _write_csv(tmp_path / "P0042_2025-06.csv", 30),
        _write_csv(tmp_path / "P0042_2025-05.csv", 30, "sex = 'Q' where source_line in (2, 3, 4)"),
        _write_csv(tmp_path / "P0077_2025-06.csv", 30, "drug1 = '1234' where source_line < 26"),
        _write_csv(tmp_path / "P0042_2025-04.csv", 0),
        _write_csv(tmp_path / "provider42.csv", 3),
    ]
    together = validate_files(paths)
    alone = [validate_files([path])[0] for path in paths]
    assert [r.status for r in together] == ["accepted", "partially_accepted", "rejected", "rejected", "rejected"]
    for a, b in zip(together, alone, strict=True):
        assert (a.path, a.status, a.reason, a.report, a.rows_failed) == (
            b.path,
            b.status,
            b.reason,
            b.report,
            b.rows_failed,
        )
        assert (a.outcome is None) == (b.outcome is None)
        if a.outcome and b.outcome:
            assert (a.outcome.rows_total, a.outcome.rules) == (b.outcome.rows_total, b.outcome.rules)


def test_validation_writes_nothing_next_to_the_files(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "P0042_2025-06.csv", 9)
    before = sorted(p.name for p in tmp_path.iterdir())
    validate_files([path])
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _fault_rules() -> dict[str, set[str]]:
    """Fault kind -> the rules that catch it, from the suites' meta.fault_kinds (one definition)."""
    mapping: dict[str, set[str]] = defaultdict(set)
    for rule in gate_rules():
        for kind in rule.expectation["meta"].get("fault_kinds", []):
            mapping[kind].add(rule.name)
    return mapping


def test_every_generated_fault_is_quarantined_by_its_rule(tmp_path: Path) -> None:
    generate = pytest.importorskip("orchestration.synthetic").generate
    ingest_landing = pytest.importorskip("orchestration.ingest.run").ingest_landing
    generate(tmp_path, clients=300, providers=1, start="2025-05", end="2025-06", seed=11, error_rate=0.03)
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    ingest_landing(con, tmp_path)
    for (submission_id,) in con.execute(
        "select submission_id from ingest.submissions where status = 'loaded'"
    ).fetchall():
        run_gate(con, submission_id, max_failure_share=1.0)
    quarantined: dict[tuple[str, int], set[str]] = defaultdict(set)
    for name, line, rule in con.execute(
        "select s.file_name, q.source_line, q.rule "
        "from quarantine.rows q join ingest.submissions s using (submission_id)"
    ).fetchall():
        quarantined[(name, line)].add(rule)
    with (tmp_path / "_generator" / "faults.csv").open(encoding="utf-8") as handle:
        faults = list(csv.DictReader(handle))
    assert {f["fault"] for f in faults} == set(_fault_rules())  # every kind occurs and is mapped
    mapping = _fault_rules()
    for fault in faults:
        rules = quarantined.get((fault["file_name"], int(fault["source_line"])), set())
        if fault["fault"] == "malformed_line" and "malformed_line" not in rules:
            assert rules, fault  # the loader read the shifted line as a row (see report): other rules catch it
        else:
            assert rules & mapping[fault["fault"]], (fault, rules)
    faulted = {(f["file_name"], int(f["source_line"])) for f in faults}
    extra = {key: rules for key, rules in quarantined.items() if key not in faulted}
    assert all(rules == {"episode_conflict"} for rules in extra.values())  # the conflicting episodes' other rows
