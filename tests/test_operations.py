"""Running it like production, with real processes and the demo's persistent Dagster instance (a temporary
DAGSTER_HOME with the repository's dagster.yaml, as ``make demo`` sets up): a run killed mid-dbt, runs stopped
with Ctrl-C / SIGTERM, overlapping runs queueing for the writer, and a BI reader throughout. Each uses the
installed ``journeys`` command in subprocesses, as an operator would.

The tests run in order on one module-scoped warehouse: each leaves it as an operator would find it."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from orchestration.runner.launcher import PID_TAG
from orchestration.settings import PROJECT_ROOT
from orchestration.synthetic import generate
from orchestration.warehouse import WRITER_POOL

JOURNEYS = str(Path(sys.executable).parent / "journeys")
DBT_STEP = "journeys_dbt_assets"
WAITING = "journeys: waiting for the warehouse, held by run "
SIGNAL_BOUND_SECONDS = 30  # the bound for a run to stop after SIGINT / SIGTERM

READER = """
import sys, time, duckdb
path, stop_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
reads, errors, last = 0, [], None
import os
while not os.path.exists(stop_file):
    try:
        with duckdb.connect(path, read_only=True) as con:
            last = con.execute("select count(*) from marts.submissions").fetchone()[0]
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
    time.sleep(0.05)
open(out, "w").write(f"{reads}\\n{last}\\n" + "\\n".join(errors))
"""


def _env(root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "JOURNEYS_LANDING": str(root / "landing"),
        "JOURNEYS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "JOURNEYS_SERVING": str(root / "serving.duckdb"),
        "JOURNEYS_REPORTS": str(root / "reports"),
        "JOURNEYS_PSEUDONYM_KEY": "test-only-key",
        "JOURNEYS_WRITER_WAIT_SECONDS": "1800",  # a loaded CI machine must not make a queued run give up
        **extra,
    }


class Run:
    """``journeys run`` in the background (its own process group), stderr collected line by line."""

    started: ClassVar[list[Run]] = []

    def __init__(self, root: Path, **extra_env: str) -> None:
        self.proc = subprocess.Popen(
            [JOURNEYS, "run"], env=_env(root, **extra_env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )  # fmt: skip
        Run.started.append(self)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if text in line]
            if found:
                return found[0]
            if self.proc.poll() is not None and not self._reader.is_alive():
                pytest.fail(f"journeys run ended (exit {self.proc.returncode}) before {text!r}:\n{self.stderr[-3000:]}")
            time.sleep(0.2)
        pytest.fail(f"no {text!r} after {timeout}s:\n{self.stderr[-3000:]}")

    def in_step(self, instance: DagsterInstance, step: str = DBT_STEP, timeout: float = 900) -> None:
        """Wait until the run's ``step`` has started, as the Dagster instance records it (for the dbt step:
        ingest and gate are done and the dbt build is under way, holding the writer slot)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = instance.get_runs(RunsFilter(tags={PID_TAG: str(self.proc.pid)}))
            if runs:
                records = instance.get_records_for_run(runs[0].run_id, of_type=DagsterEventType.STEP_START).records
                if any(r.event_log_entry.step_key == step for r in records):
                    return
            if self.proc.poll() is not None:
                pytest.fail(f"journeys run ended (exit {self.proc.returncode}) before {step}:\n{self.stderr[-3000:]}")
            time.sleep(0.5)
        pytest.fail(f"{step} did not start within {timeout}s:\n{self.stderr[-3000:]}")

    def finish(self, timeout: float = 1800) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def stop(self, signum: int) -> int:
        """Send ``signum`` to the run's process (as kill or Ctrl-C would) and wait at most the issue's bound."""
        self.proc.send_signal(signum)
        return self.finish(timeout=SIGNAL_BOUND_SECONDS)

    def error_line(self) -> str:
        """The run's one error line (and there must be exactly one, and no traceback)."""
        errors = [line for line in self.lines if line.startswith("journeys: error:")]
        assert len(errors) == 1 and "Traceback" not in self.stderr, self.stderr[-3000:]
        return errors[0]


@pytest.fixture(autouse=True)
def _no_run_left_behind() -> Iterator[None]:
    """A failing test must not leave ``journeys run`` processes (and their dbt) running."""
    yield
    for run in Run.started:
        if run.proc.poll() is None:
            os.killpg(run.proc.pid, signal.SIGKILL)
            run.proc.wait(timeout=60)
    Run.started.clear()


def _run(root: Path) -> Run:
    run = Run(root)
    assert run.finish() == 0, run.stderr[-3000:]
    return run


def _left_in_session(session_id: int, grace: float = 30) -> list[str]:
    """The processes still running in a stopped run's session once ``grace`` seconds have passed (an exited one
    waiting to be reaped by init is no process; one still in its exit path on a loaded machine gets the grace)."""
    deadline = time.monotonic() + grace
    while True:
        ps = subprocess.run(["ps", "-o", "stat=,args=", "-g", str(session_id)], capture_output=True, text=True)
        running = [line for line in ps.stdout.splitlines() if not line.lstrip().startswith("Z")]
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.5)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse and serving snapshot built from the first 4 months; months 5-6 wait in ``later/``."""
    root = tmp_path_factory.mktemp("ops")
    (root / "dagster_home").mkdir()
    (root / "dagster_home" / "dagster.yaml").symlink_to(PROJECT_ROOT / "dagster.yaml")  # as `make demo` does
    generate(root / "all", clients=200, providers=3, start="2025-01", end="2025-06", seed=11)
    for csv in sorted((root / "all").rglob("*.csv")):
        if "_generator" in csv.parts:
            continue
        target = root / ("landing" if csv.stem[-2:] <= "04" else "later") / csv.relative_to(root / "all")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(csv, target)
    _run(root)
    return root


@pytest.fixture
def instance(built: Path) -> Iterator[DagsterInstance]:
    with DagsterInstance.from_config(str(built / "dagster_home")) as inst:
        yield inst


def _run_of(instance: DagsterInstance, run: Run):  # type: ignore[no-untyped-def]
    (found,) = instance.get_runs(RunsFilter(tags={PID_TAG: str(run.proc.pid)}))
    return found


def _pool_claimants(instance: DagsterInstance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(WRITER_POOL)
    return {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}


def _release_later_month(root: Path, month: str) -> None:
    for csv in sorted((root / "later").rglob(f"*_{month}.csv")):
        target = root / "landing" / csv.relative_to(root / "later")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(csv, target)


def _new_month_run_in_dbt(root: Path, instance: DagsterInstance, month: str) -> tuple[str, Run]:
    """Release a month, start a run, return (the serving snapshot's digest before it, the run) once it is in dbt."""
    before = _sha(root / "serving.duckdb")
    _release_later_month(root, month)
    run = Run(root)
    run.in_step(instance)
    time.sleep(3)  # the dbt subprocess is building
    return before, run


def test_killed_run_is_failed_and_released_by_the_next_run(built: Path, instance: DagsterInstance) -> None:
    serving = built / "serving.duckdb"
    before, killed = _new_month_run_in_dbt(built, instance, "2025-05")
    os.killpg(killed.proc.pid, signal.SIGKILL)  # the whole process group: the dbt subprocess too
    assert killed.finish(timeout=60) == -signal.SIGKILL
    dead = _run_of(instance, killed)
    assert dead.status == DagsterRunStatus.STARTED  # what a SIGKILL leaves: the run "running", the slot held
    assert dead.run_id in _pool_claimants(instance)
    assert _sha(serving) == before
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select count(*) from marts.journeys").fetchone()[0] > 0

    rerun = _run(built)
    assert f"run {dead.run_id} had died" in rerun.stderr
    assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE  # type: ignore[union-attr]
    assert not _pool_claimants(instance)
    assert _sha(serving) != before
    assert not list(built.glob("serving.duckdb.tmp-*"))


def test_ctrl_c_mid_dbt_stops_the_run_cleanly(built: Path, instance: DagsterInstance) -> None:
    before, run = _new_month_run_in_dbt(built, instance, "2025-06")  # signalled while dagster-dbt starts dbt
    assert run.stop(signal.SIGINT) != 0
    assert "interrupted" in run.error_line()
    assert _left_in_session(run.proc.pid) == []  # no dbt left behind
    record = _run_of(instance, run)
    assert record.status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
    assert not _pool_claimants(instance)
    assert _sha(built / "serving.duckdb") == before  # the previous snapshot stays; the next test's runs succeed
    with duckdb.connect(str(built / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from ingest.submissions where status = 'loaded'").fetchone()[0] == 0


def test_overlapping_runs_queue_visibly_while_a_bi_reader_keeps_working(built: Path, instance: DagsterInstance) -> None:
    serving = built / "serving.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        submissions_before = con.execute("select count(*) from marts.submissions").fetchone()[0]
    stop, out = built / "reader.stop", built / "reader.out"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(serving), str(stop), str(out)])
    try:
        first = Run(built)
        first.in_step(instance)  # the first run holds the writer for the whole dbt build
        second, terminated, impatient = Run(built), Run(built), Run(built, JOURNEYS_WRITER_WAIT_SECONDS="3")

        waiting = second.wait_for(WAITING)
        # names a live holder: the first run, or (a loaded machine, the first's dbt done) a run queued with it
        holders = (first, terminated, impatient)
        assert any(f"pid {r.proc.pid} on " in waiting for r in holders) and "alive" in waiting, waiting

        terminated.wait_for(WAITING)
        assert terminated.stop(signal.SIGTERM) != 0  # SIGTERM while waiting
        assert "interrupted" in terminated.error_line()

        assert impatient.finish(timeout=600) == 1
        gave_up = impatient.error_line()
        assert "gave up waiting for the warehouse after" in gave_up and "(limit 3s)" in gave_up, gave_up
        assert "JOURNEYS_WRITER_WAIT_SECONDS" in gave_up

        assert first.finish() == 0, first.stderr[-3000:]
        assert second.finish() == 0, second.stderr[-3000:]  # it proceeded once the first was done
    finally:
        time.sleep(0.5)
        stop.touch()
        reader.wait(timeout=60)
    for run in (terminated, impatient):
        assert _run_of(instance, run).status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
    assert not _pool_claimants(instance)
    reads, last, *errors = out.read_text().split("\n")
    assert int(reads) > 10
    assert [e for e in errors if e] == []
    with duckdb.connect(str(serving), read_only=True) as con:
        submissions_after = con.execute("select count(*) from marts.submissions").fetchone()[0]
    assert int(last) == submissions_after >= submissions_before  # the reader ends on the latest snapshot
