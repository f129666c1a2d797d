"""End to end: ``journeys run`` as a user runs it, on a national year from an empty warehouse, then one more month.

The generator writes the year plus one month (cumulative monthly files, cached under the work directory). The
year's files are linked into a fresh landing directory and ``journeys run`` runs in a subprocess with its own
warehouse, serving file, reports and DAGSTER_HOME (the repository's ``dagster.yaml``), exactly as a user's shell
would run it. Measured from outside: the run's wall time and peak memory (the process tree's ``ru_maxrss``,
``wait4``); each Dagster step's time from the run's own event log, and its peak memory from the process tree's
RSS sampled every 0.2 s within the step's window. Then the next month's files are dropped into the landing
directory and the incremental run is measured the same way.

Each stage's DuckDB-only floor, measured in the same run on the same data:

- ingest: ``read_csv`` of all the year's files into a table (as :mod:`benchmarks.ingest`, by glob: 1,800 paths
  do not fit a command line);
- gate: the gate's rule queries once each in plain SQL over all the rows the run gated, failing rows into a
  scratch table (:mod:`benchmarks.gate`), on a copy of the run's warehouse with those submissions reset to
  ``loaded``;
- dbt: the compiled SQL of the run's own ``dbt build`` (its manifest), executed directly in DuckDB with the same
  memory limit (:mod:`benchmarks.dbt`), on a copy of the run's warehouse.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import data
from benchmarks.dbt import BENCH_KEY, PROJECT_DIR, direct_sql, effective_memory_limit
from benchmarks.gate import floor as gate_floor
from benchmarks.ingest import read_csv_floor
from benchmarks.measure import Measurement, Verdict, in_subprocess

WALL_TARGET_S = 5 * 60
MEMORY_TARGET_MB = 6 * 1024
_SAMPLE_S = 0.2
_JOURNEYS = Path(sys.executable).parent / "journeys"


@dataclass
class RunMeasurement:
    label: str
    seconds: float
    cpu_seconds: float  # user + system of the whole process tree (less sensitive to other load on the machine)
    peak_mb: float
    steps: list[tuple[str, float, float]] = field(default_factory=list)  # (step, seconds, peak MB)
    output: str = ""


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total / 2**20


def _journeys_run(label: str, env: dict[str, str]) -> RunMeasurement:
    """``journeys run`` in a subprocess: wall time, peak memory, and the process tree's RSS over time."""
    samples: list[tuple[float, float]] = []
    started = time.time()
    process = subprocess.Popen(
        [str(_JOURNEYS), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), _tree_rss_mb(process.pid)))
            done.wait(_SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.time() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{label}: journeys run failed (exit {process.returncode}):\n{output[-3000:]}")
    peak = max(usage.ru_maxrss / 1024, max((mb for _, mb in samples), default=0.0))
    steps = [
        (key, end - start, max((mb for t, mb in samples if start <= t <= end), default=0.0))
        for key, start, end in _step_windows(Path(env["DAGSTER_HOME"]))
    ]
    return RunMeasurement(label, seconds, usage.ru_utime + usage.ru_stime, peak, steps, output)


def _step_windows(home: Path) -> list[tuple[str, float, float]]:
    """(step key, start, end) of every step of the latest run in this Dagster home, in start order."""
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        stats = instance.get_run_step_stats(run.run_id)
    windows = [(s.step_key, s.start_time, s.end_time) for s in stats if s.start_time and s.end_time]
    return sorted(windows, key=lambda w: w[1])


def _link_months(source: Path, target: Path, months: set[str]) -> int:
    """Hard-link (keeping mtimes) the submission files of ``months`` from ``source`` into ``target``."""
    linked = 0
    for path in data.submission_files(source):
        if path.stem.rsplit("_", 1)[-1] in months:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, destination)
            linked += 1
    return linked


def _months(start: str, end: str) -> set[str]:
    months, current = set(), start
    while current <= end:
        months.add(current)
        current = data.month_before(current, -1)
    return months


def _environment(folder: Path) -> dict[str, str]:
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    shutil.copyfile(PROJECT_DIR.parent / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "JOURNEYS_LANDING": str(folder / "landing"),
        "JOURNEYS_WAREHOUSE": str(folder / "warehouse" / data.WAREHOUSE_NAME),
        "JOURNEYS_SERVING": str(folder / "serving.duckdb"),
        "JOURNEYS_REPORTS": str(folder / "reports"),
        "JOURNEYS_PUBLICATIONS": str(folder / "publications"),
        "JOURNEYS_PSEUDONYM_KEY": os.environ.get("JOURNEYS_PSEUDONYM_KEY") or BENCH_KEY,
    }


_RESET_GATE = """
import duckdb
con = duckdb.connect({database!r})
con.execute("begin transaction")
gated = "select distinct submission_id from gate.rule_results"
con.execute(f"update ingest.submissions set status = 'loaded', rows_total = null, rows_accepted = null, "
            f"rows_quarantined = null, reason = null, superseded_by = null where submission_id in ({{gated}})")
con.execute("delete from quarantine.rows")
con.execute("delete from gate.rule_results")
con.execute("commit")
con.execute("checkpoint")
con.close()
RESULT = {{}}
"""


def _floors(work: Path, folder: Path) -> dict[str, Measurement]:
    """Each stage's DuckDB-only floor on the data of the first run (see the module docstring)."""
    warehouse = folder / "warehouse" / data.WAREHOUSE_NAME
    floors = {"ingest": read_csv_floor(work, str(folder / "landing" / "*" / "*.csv"))}
    memory_limit = effective_memory_limit(None)
    manifest = PROJECT_DIR / "target" / "pipeline" / "manifest.json"
    direct_db = data.scratch_copy(work, warehouse, "e2e_dbt_floor")
    floors["dbt"] = direct_sql(manifest, direct_db, memory_limit, os.environ.get("JOURNEYS_PSEUDONYM_KEY") or BENCH_KEY)
    data.drop_scratch(work, "e2e_dbt_floor")
    reset = data.scratch_copy(work, warehouse, "e2e_gate_source")
    in_subprocess("reset the gate", code=_RESET_GATE.format(database=str(reset)))
    floors["gate"] = gate_floor(work, reset)
    data.drop_scratch(work, "e2e_gate_source")
    return floors


def _stage(step: str) -> str | None:
    """Which floor a Dagster step compares with."""
    if step.startswith("landing_submissions"):
        return "ingest"
    if step.startswith("gated_submissions"):
        return "gate"
    if "dbt" in step:
        return "dbt"
    return None


def _describe(run: RunMeasurement, floors: dict[str, Measurement]) -> list[str]:
    lines = [
        f"  {run.label}: {run.seconds:.1f} s wall (cpu {run.cpu_seconds:.0f} s), peak {run.peak_mb:,.0f} MB "
        "(process tree)"
    ]
    for step, seconds, peak in run.steps:
        stage = _stage(step)
        floor = floors.get(stage) if stage and step == _first_step(run, stage) else None
        ratio = f"  {seconds / floor.seconds:5.2f}x its floor ({floor.seconds:.1f} s)" if floor else ""
        lines.append(f"    {step:<48} {seconds:8.1f} s  peak {peak:8,.0f} MB{ratio}")
    return lines


def _first_step(run: RunMeasurement, stage: str) -> str | None:
    """The step that does a stage's work (not its asset checks, which are steps of their own)."""
    keys = [step for step, _, _ in run.steps if _stage(step) == stage]
    exact = {"ingest": "landing_submissions", "gate": "gated_submissions"}.get(stage)
    return exact if exact in keys else (keys[0] if keys else None)


def run(work: Path, year: data.DataSet) -> tuple[str, list[Verdict]]:
    extra = data.month_before(year.end, -1)
    files = data.landing(work, data.DataSet(year.clients, year.providers, year.start, extra))
    folder = data.scratch_dir(work, "e2e")
    env = _environment(folder)
    landing = Path(env["JOURNEYS_LANDING"])
    linked = _link_months(files, landing, _months(year.start, year.end))
    print(f"e2e: {linked} files of {year.describe()} linked into an empty landing; journeys run ...", flush=True)
    first = _journeys_run("journeys run (empty warehouse, the year)", env)
    print("\n".join(_describe(first, {})), flush=True)  # kept even if a later part fails
    print("e2e: floors of the first run's stages ...", flush=True)
    floors = _floors(work, folder)
    added = _link_months(files, landing, {extra})
    print(f"e2e: {added} files of {extra} added; journeys run (incremental) ...", flush=True)
    second = _journeys_run(f"journeys run (incremental: {extra})", env)
    rows = int(floors["ingest"].result["rows"])
    text = [f"== end to end: {year.describe()}, {linked} files, {rows:,} rows; then {added} files of {extra}"]
    text += _describe(first, floors)
    text += [
        "  floors: "
        + ", ".join(
            f"{k} {m.seconds:.1f} s (cpu {m.cpu_seconds:.1f} s, peak {m.peak_mb:,.0f} MB)" for k, m in floors.items()
        )
    ]
    text += _describe(second, {})
    text += ["  journeys run says (first run):", *(f"    {x}" for x in first.output.strip().splitlines()[-6:])]
    load = os.getloadavg()
    text += [
        f"  machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end"
    ]
    shutil.rmtree(folder, ignore_errors=True)
    ratios = {
        stage: dict((s, t) for s, t, _ in first.steps).get(_first_step(first, stage) or "", 0.0) / m.seconds
        for stage, m in floors.items()
        if m.seconds
    }
    verdicts = [
        Verdict(f"end to end, {year.describe()}", first.seconds <= WALL_TARGET_S,
                f"{first.seconds:.0f} s, cpu {first.cpu_seconds:.0f} s (target <= {WALL_TARGET_S} s wall); "
                f"incremental month {second.seconds:.0f} s, cpu {second.cpu_seconds:.0f} s"),
        Verdict("end to end, peak memory", first.peak_mb <= MEMORY_TARGET_MB,
                f"{first.peak_mb:,.0f} MB (target <= {MEMORY_TARGET_MB:,} MB); incremental {second.peak_mb:,.0f} MB"),
        Verdict("end to end, gate step vs ingest step", _step(first, "gate") <= 3 * _step(first, "ingest"),
                f"gate {_step(first, 'gate'):.1f} s, ingest {_step(first, 'ingest'):.1f} s (target gate <= 3x ingest); "
                f"ratios to floors: {', '.join(f'{k} {v:.2f}x' for k, v in ratios.items())}"),
    ]  # fmt: skip
    return "\n".join(text), verdicts


def _step(run: RunMeasurement, stage: str) -> float:
    key = _first_step(run, stage)
    return next((seconds for step, seconds, _ in run.steps if step == key), 0.0)
