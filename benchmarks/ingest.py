"""Ingestion (scan + log + load with lineage) vs plain ``read_csv`` of the same files into a table.

The ingestion run is instrumented (:mod:`benchmarks.instrument`) so a miss can be located: time in ``scan_file``
(SHA-256, UTF-8 check, blank lines: Python over 1 MiB chunks), in ``load_csv`` (the strict per-file ``read_csv``
with ``row_number()`` lineage and rejects table), in the commits, and in the final checkpoint. ``ingest_landing``
loads on parallel lanes that commit files in groups of >= 1M rows (see :mod:`orchestration.ingest.run`); a third
run repeats ingestion the naive way, one lane and one transaction per file, to show what lanes and group commit
save: DuckDB writes a small append to the WAL and checkpoints every 16 MiB of WAL, while a large transaction
writes compressed row groups straight to the database file, and a ~15,000-row file is read on one core.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import data
from benchmarks.measure import Measurement, Verdict, best_of, cpu_ratio, in_subprocess, line, ratio, report
from orchestration.ingest.run import GROUP_ROWS

TARGET = 1.5


def read_csv_floor(work: Path, files: list[str] | str) -> Measurement:
    """The ingest floor: ``read_csv`` of ``files`` (paths, or one glob) into a table, in a fresh process."""
    database = data.scratch_dir(work, "ingest_baseline") / "baseline.duckdb"
    measured = in_subprocess(
        "duckdb read_csv -> table",
        setup=f"import duckdb\ncon = duckdb.connect({str(database)!r})\nfiles = {files!r}",
        code="""
con.execute("create table t as select * from read_csv($files, all_varchar = true, header = true)", {'files': files})
RESULT = {'rows': con.execute('select count(*) from t').fetchall()[0][0]}
con.close()
""",
    )
    data.drop_scratch(work, "ingest_baseline")
    return measured


def _ingest(
    work: Path, landing: Path, label: str, group_rows: int, workers: int | None, keep: bool = False
) -> Measurement:
    """``ingest_landing`` into a new warehouse; ``keep`` leaves it in the scratch folder ``ingest``."""
    warehouse = data.scratch_dir(work, "ingest") / data.WAREHOUSE_NAME
    measured = in_subprocess(
        label,
        setup="from pathlib import Path\nfrom benchmarks.instrument import instrumented_ingest",
        code=f"RESULT = instrumented_ingest(Path({str(warehouse)!r}), Path({str(landing)!r}), {group_rows}, {workers})",
    )
    if not keep:
        data.drop_scratch(work, "ingest")
    return measured


def run(work: Path, dataset: data.DataSet, breakdown: bool = True, repeat: int = 1) -> tuple[str, list[Verdict]]:
    landing = data.landing(work, dataset)
    files = [str(path) for path in data.submission_files(landing)]
    baseline = best_of(repeat, lambda: read_csv_floor(work, files))
    subject = best_of(repeat, lambda: _ingest(work, landing, "journeys ingest_landing", GROUP_ROWS, None, keep=True))
    rows = int(baseline.result["rows"])
    if int(subject.result["rows"]) != rows or subject.result["rejected"]:
        raise RuntimeError(
            f"ingest loaded {subject.result['rows']} rows ({subject.result['rejected']} files rejected), "
            f"the baseline {rows}"
        )
    if data.cached_warehouse(work, dataset) is None:  # the gate stage starts from these rows
        data.keep_warehouse(work, dataset, data.scratch_root(work) / "ingest" / data.WAREHOUSE_NAME)
    data.drop_scratch(work, "ingest")
    text, verdict = report("ingest", subject, baseline, rows, limit=TARGET)
    text += "\n" + _parts(subject, lanes=True)
    if breakdown:
        per_file = best_of(repeat, lambda: _ingest(work, landing, "one lane, a commit per file", 0, 1))
        text += (
            f"\n{line(per_file, rows)}\n  ratio {ratio(per_file, baseline):.2f}x without lanes and group commit; "
            f"cpu ratio {cpu_ratio(per_file, baseline):.2f}x"
        )
        text += "\n" + _parts(per_file, lanes=False)
    return text, [verdict]


def _parts(measured: Measurement, lanes: bool) -> str:
    """Seconds by part, measured inside the run; the rest is discovery, naming, Python and the log's lookups.

    With several lanes, load_csv and the commits run on the lanes' cursors in parallel: load_csv is the lanes'
    summed time and the commits are not timed by kind, so only the sequential parts are shown against the wall.
    """
    seconds: dict[str, float] = measured.result["seconds"]
    if lanes:
        shown = ("scan_file", "close (checkpoint)")
        parts = [f"{part} {seconds.get(part, 0.0):.1f} s" for part in shown]
        return f"    of which: {', '.join(parts)}; load_csv summed over the lanes {seconds.get('load_csv', 0.0):.1f} s"
    main = ("scan_file", "load_csv", "commit", "close (checkpoint)")
    rest = measured.seconds - sum(seconds.get(part, 0.0) for part in main)
    parts = [f"{part} {seconds.get(part, 0.0):.1f} s" for part in main]
    inserts = seconds.get("insert rows", 0.0)
    return f"    of which: {', '.join(parts)}, rest {rest:.1f} s (load_csv includes its inserts, {inserts:.1f} s)"
