"""Ingestion on real files and a real DuckDB warehouse: logging, duplicates, lineage, hostile files."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import run
from orchestration.ingest.run import GROUP_ROWS, ingest_landing
from orchestration.ingest.submissions_log import resolve_superseded

from factories import HEADER, row, write_submission


def _log(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select file_name, status, provider_code, strftime(reporting_month, '%Y-%m') from ingest.submissions "
        "order by submission_id"
    ).fetchall()


def test_loads_flat_and_per_provider_files_with_lineage(landing: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    write_submission(landing / "P0001" / "P0001_2025-01.csv", [row(), row(subid="S2")])
    write_submission(landing / "P0002_2025-01.csv", [row(agncy="P0002")])
    summary = ingest_landing(warehouse, landing)
    assert (summary.loaded, summary.rows_loaded, summary.rejected) == (2, 3, 0)
    assert sorted(r[0] for r in _log(warehouse)) == ["P0001/P0001_2025-01.csv", "P0002_2025-01.csv"]
    lines = warehouse.execute(
        "select s.file_name, r.source_line, r.subid from raw.submission_rows r join ingest.submissions s "
        "using (submission_id) order by 1, 2"
    ).fetchall()
    assert lines == [
        ("P0001/P0001_2025-01.csv", 2, "S1"),
        ("P0001/P0001_2025-01.csv", 3, "S2"),
        ("P0002_2025-01.csv", 2, "S1"),
    ]


def test_second_run_loads_nothing_and_renamed_copy_is_duplicate(
    landing: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    original = write_submission(landing / "P0001" / "P0001_2025-01.csv", [row()])
    assert ingest_landing(warehouse, landing).loaded == 1
    again = ingest_landing(warehouse, landing)
    assert again.new_files == 0 and "no new files" in again.describe()
    (landing / "P0001_2025-01.csv").write_bytes(original.read_bytes())  # same bytes, other folder
    third = ingest_landing(warehouse, landing)
    assert (third.duplicate, third.loaded, third.rows_loaded) == (1, 0, 0)
    assert [r[1] for r in _log(warehouse)] == ["loaded", "duplicate"]
    assert warehouse.execute("select count(*) from raw.submission_rows").fetchone() == (1,)


def test_files_logged_before_are_not_read_again_unless_they_change(
    landing: Path, warehouse: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run reads only files it has not logged with their current size and modification time: the cost of a run
    follows the new files, not everything the landing directory has accumulated."""
    first = write_submission(landing / "P0001" / "P0001_2025-01.csv", [row()])
    write_submission(landing / "P0002_2025-01.csv", [row(agncy="P0002")])
    assert ingest_landing(warehouse, landing).loaded == 2
    read: list[str] = []
    real_scan = run.scan_file
    monkeypatch.setattr(run, "scan_file", lambda path: read.append(path.name) or real_scan(path))
    again = ingest_landing(warehouse, landing)
    assert (again.files_seen, again.already_logged, again.new_files, read) == (2, 2, 0, [])
    os.utime(first, (1_800_000_000, 1_800_000_000))  # touched: read again, same bytes, still nothing new
    touched = ingest_landing(warehouse, landing)
    assert (touched.already_logged, touched.new_files, read) == (2, 0, ["P0001_2025-01.csv"])
    changed = first.read_text(encoding="utf-8").replace("S1", "S9")  # same size, other content
    first.write_text(changed, encoding="utf-8")
    os.utime(first, (1_800_000_100, 1_800_000_100))
    rewritten = ingest_landing(warehouse, landing)
    assert (rewritten.loaded, rewritten.already_logged) == (1, 1)
    assert [r[1] for r in _log(warehouse)] == ["loaded", "loaded", "loaded"]


def test_same_bytes_for_another_month_is_a_new_submission(landing: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    first = write_submission(landing / "P0001_2025-01.csv", [row()])
    (landing / "P0001_2025-02.csv").write_bytes(first.read_bytes())
    assert ingest_landing(warehouse, landing).loaded == 2


def test_replacement_file_supersedes_the_earlier_one(landing: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    older = write_submission(landing / "P0001_2025-01.csv", [row()])
    newer = write_submission(landing / "P0001" / "P0001_2025-01.csv", [row(), row(subid="S2")])
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    ingest_landing(warehouse, landing)
    warehouse.execute("update ingest.submissions set status = 'accepted'")  # as the gate would
    assert resolve_superseded(warehouse) == 1
    assert dict((r[0], r[1]) for r in _log(warehouse)) == {
        "P0001_2025-01.csv": "superseded",
        "P0001/P0001_2025-01.csv": "accepted",
    }
    assert resolve_superseded(warehouse) == 0  # idempotent


def test_as_of_leaves_later_months_unlogged(landing: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    from datetime import date

    write_submission(landing / "P0001_2025-01.csv", [row()])
    write_submission(landing / "P0001_2025-02.csv", [row()])
    (landing / "readme.txt").write_text("not a submission")
    summary = ingest_landing(warehouse, landing, as_of=date(2025, 1, 31))
    assert summary.skipped_after_as_of == 1
    assert [(r[0], r[1]) for r in _log(warehouse)] == [("P0001_2025-01.csv", "loaded"), ("readme.txt", "rejected")]


def test_malformed_and_blank_lines_keep_physical_line_numbers(
    landing: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    good = row()
    text = "\n".join([HEADER, good, "", good + ",extra", good, good.rsplit(",", 2)[0], good]) + "\n"
    (landing / "P0001_2025-01.csv").write_text(text, encoding="utf-8")
    summary = ingest_landing(warehouse, landing)
    assert (summary.loaded, summary.rows_loaded, summary.malformed_lines) == (1, 3, 2)
    assert [r[0] for r in warehouse.execute("select source_line from raw.submission_rows order by 1").fetchall()] == [
        2,
        5,
        7,
    ]
    assert [r[0] for r in warehouse.execute("select source_line from raw.malformed_lines order by 1").fetchall()] == [
        4,
        6,
    ]


def test_bom_case_insensitive_header_free_order_and_extra_columns(
    landing: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    columns = HEADER.lower().split(",")
    values = row().split(",")
    header = ",".join(reversed(columns)) + ",Notes"
    line = ",".join(reversed(values)) + ',"free text, with a comma"'
    (landing / "P0001_2025-01.csv").write_bytes(b"\xef\xbb\xbf" + f"{header}\n{line}\n".encode())
    assert ingest_landing(warehouse, landing).loaded == 1
    assert warehouse.execute("select agncy, subint from raw.submission_rows").fetchall() == [("P0001", "PSYCNMG")]
    assert warehouse.execute("select column_name, values_present from raw.extra_columns").fetchall() == [("Notes", 1)]
    assert (
        warehouse.execute("select values_json from raw.extra_values").fetchone()[0]
        == '{"Notes":"free text, with a comma"}'
    )


def _reason(con: duckdb.DuckDBPyConnection, name: str) -> str:
    status, reason = con.execute(
        "select status, reason from ingest.submissions where file_name = $n", {"n": name}
    ).fetchone()
    assert status == "rejected"
    return reason


@pytest.mark.parametrize("group_rows", [0, GROUP_ROWS], ids=["file-by-file", "one-group"])
def test_hostile_files_are_rejected_with_a_reason_and_nothing_loaded(
    landing: Path, warehouse: duckdb.DuckDBPyConnection, group_rows: int
) -> None:
    write_submission(landing / "P0001_2025-01.csv", [row()])  # the good one still loads
    (landing / "P0002_2025-01.csv").write_text(HEADER.replace(",", ";") + "\n" + row().replace(",", ";") + "\n")
    (landing / "P0003_2025-01.csv").write_bytes(os.urandom(2048) + b"\xff\xfe")
    (landing / "P0004_2025-01.csv").write_text("")
    write_submission(landing / "P0005_2025-01.csv", [row() + ",x"], header=HEADER + ",AGNCY")
    write_submission(landing / "P0006_2025-01.csv", [",".join(row().split(",")[1:])], header=HEADER.split(",", 1)[1])
    write_submission(landing / "P0007_2025-01.csv", [row(), row(clientid='"open quote'), row()])
    write_submission(landing / "P0008_2025-01.csv", [row(clientid="x" * 10_000)])  # loads; the gate judges length
    (landing / "P0009';DROP TABLE raw.submission_rows;--_2025-01.csv").write_text(HEADER + "\n" + row() + "\n")
    (landing / "..P0010_2025-01.csv").write_text("hidden files are not submissions")
    summary = ingest_landing(warehouse, landing, group_rows=group_rows)
    assert (summary.loaded, summary.rejected) == (2, 7)
    assert "semicolons" in _reason(warehouse, "P0002_2025-01.csv")
    assert "UTF-8" in _reason(warehouse, "P0003_2025-01.csv")
    assert "empty" in _reason(warehouse, "P0004_2025-01.csv")
    assert "more than once" in _reason(warehouse, "P0005_2025-01.csv")
    assert "lacks required column(s) AGNCY" in _reason(warehouse, "P0006_2025-01.csv")
    assert "never closed" in _reason(warehouse, "P0007_2025-01.csv")
    assert "does not follow" in _reason(warehouse, "P0009';DROP TABLE raw.submission_rows;--_2025-01.csv")
    loaded = warehouse.execute(
        "select s.file_name, count(*) from raw.submission_rows r join ingest.submissions s using (submission_id) "
        "group by 1 order by 1"
    ).fetchall()
    assert loaded == [("P0001_2025-01.csv", 1), ("P0008_2025-01.csv", 1)]
    assert warehouse.execute("select max(length(clientid)) from raw.submission_rows").fetchone() == (10_000,)


def test_files_rejected_before_the_gate_get_a_provider_report(tmp_path: Path, landing: Path) -> None:
    from orchestration.defs.assets.gate_assets import write_reports
    from orchestration.warehouse import connect

    (landing / "bad name';x.csv").write_text("x")
    (landing / "P0001_2025-01.csv").write_text("A;B\n1;2\n")
    reports = tmp_path / "reports"
    with connect(tmp_path / "w.duckdb") as con:
        ingest_landing(con, landing)
        write_reports(con, reports)
        before = {p: p.stat().st_mtime_ns for p in reports.rglob("*.md")}
        write_reports(con, reports)  # once: an existing report is not written again
        assert {p: p.stat().st_mtime_ns for p in reports.rglob("*.md")} == before
    written = {p.relative_to(reports).parts[0]: p.read_text() for p in reports.rglob("*.md")}
    assert set(written) == {"P0001", "_unknown"}
    assert "semicolons" in written["P0001"] and "rejected" in written["P0001"]
    assert "does not follow" in written["_unknown"]


def test_byte_identical_copies_new_in_one_group_load_once(landing: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    first = write_submission(landing / "P0001" / "P0001_2025-01.csv", [row()])
    (landing / "P0001_2025-01.csv").write_bytes(first.read_bytes())
    summary = ingest_landing(warehouse, landing)
    assert (summary.loaded, summary.duplicate, summary.rows_loaded) == (1, 1, 1)
    assert warehouse.execute("select count(*) from raw.submission_rows").fetchone() == (1,)


def _crash_when_loading(monkeypatch: pytest.MonkeyPatch, provider: str, message: str) -> None:
    """Make loading ``provider``'s file crash (an error that is not a reason to reject the file)."""
    real_load = run.load_csv

    def crashing(con: duckdb.DuckDBPyConnection, path: Path, *args: object) -> object:
        if path.name.startswith(provider):
            raise RuntimeError(message)
        return real_load(con, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "load_csv", crashing)


def test_a_crash_mid_group_leaves_earlier_groups_and_nothing_of_its_own(
    landing: Path, warehouse: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    for provider in ("P0001", "P0002", "P0003", "P0004"):
        write_submission(landing / f"{provider}_2025-01.csv", [row(agncy=provider)])
    _crash_when_loading(monkeypatch, "P0003", "power cut")
    with pytest.raises(RuntimeError, match="power cut"):  # P0001 + P0002 commit as one group, then P0003 crashes
        ingest_landing(warehouse, landing, group_rows=2, workers=1)
    assert [r[0] for r in _log(warehouse)] == ["P0001_2025-01.csv", "P0002_2025-01.csv"]
    assert warehouse.execute("select count(*) from raw.submission_rows").fetchone() == (2,)
    monkeypatch.undo()
    again = ingest_landing(warehouse, landing, group_rows=2, workers=1)
    assert (again.loaded, again.already_logged, again.rows_loaded) == (2, 2, 2)
    assert warehouse.execute("select count(distinct agncy) from raw.submission_rows").fetchone() == (4,)


def test_parallel_lanes_keep_ids_in_discovery_order_and_reject_only_the_broken_file(
    landing: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    providers = [f"P{n:04d}" for n in range(1, 9)]
    for provider in providers:
        rows = [row(agncy=provider, subid=f"S{i}") for i in range(3)]
        if provider == "P0005":
            rows[1] = row(agncy=provider, clientid='"open quote')
        write_submission(landing / f"{provider}_2025-01.csv", rows)
    summary = ingest_landing(warehouse, landing, group_rows=4, workers=3)
    assert (summary.loaded, summary.rejected, summary.rows_loaded) == (7, 1, 21)
    assert summary.loaded_ids == sorted(summary.loaded_ids)
    logged = _log(warehouse)
    assert [r[0] for r in logged] == [f"{p}_2025-01.csv" for p in providers]
    assert [r[1] for r in logged].count("rejected") == 1 and logged[4][1] == "rejected"
    per_file = warehouse.execute(
        "select s.provider_code, count(r.submission_id) from ingest.submissions s "
        "left join raw.submission_rows r using (submission_id) group by 1 order by 1"
    ).fetchall()
    assert per_file == [(p, 0 if p == "P0005" else 3) for p in providers]


def test_a_crash_on_one_lane_stops_all_and_leaves_only_whole_files(
    landing: Path, warehouse: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    providers = [f"P{n:04d}" for n in range(1, 9)]
    for provider in providers:
        write_submission(landing / f"{provider}_2025-01.csv", [row(agncy=provider), row(agncy=provider, subid="S2")])
    _crash_when_loading(monkeypatch, "P0004", "disk full")
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_landing(warehouse, landing, group_rows=2, workers=2)
    # whatever the lanes committed is whole: a log row with both its rows, nothing unlogged, P0004 absent
    logged = warehouse.execute(
        "select s.provider_code, s.status, count(r.submission_id) from ingest.submissions s "
        "left join raw.submission_rows r using (submission_id) group by all"
    ).fetchall()
    assert all(status == "loaded" and rows == 2 for _, status, rows in logged)
    assert "P0004" not in {provider for provider, _, _ in logged}
    orphans = (
        "select count(*) from raw.submission_rows where submission_id not in (select submission_id "
        "from ingest.submissions)"
    )
    assert warehouse.execute(orphans).fetchone() == (0,)
    monkeypatch.undo()
    again = ingest_landing(warehouse, landing, workers=2)
    assert again.loaded == len(providers) - len(logged) and again.rejected == 0
    assert warehouse.execute("select count(*), count(distinct agncy) from raw.submission_rows").fetchone() == (16, 8)
