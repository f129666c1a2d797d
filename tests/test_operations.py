"""Running it like production, with real processes: a BI reader during a run, a run killed mid-way, two runs
overlapping. Each uses the installed ``journeys`` command in subprocesses, as an operator would."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.generate import generate

JOURNEYS = str(Path(sys.executable).parent / "journeys")

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


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JOURNEYS_LANDING": str(root / "landing"),
        "JOURNEYS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "JOURNEYS_SERVING": str(root / "serving.duckdb"),
        "JOURNEYS_REPORTS": str(root / "reports"),
        "JOURNEYS_PSEUDONYM_KEY": "test-only-key",
    }


def _run(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JOURNEYS, "run"], env=_env(root), capture_output=True, text=True, check=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse and serving snapshot built from the first 4 months; months 5-6 wait in ``later/``."""
    root = tmp_path_factory.mktemp("ops")
    generate(root / "all", clients=200, providers=3, start="2025-01", end="2025-06", seed=11)
    for csv in sorted((root / "all").rglob("*.csv")):
        if "_generator" in csv.parts:
            continue
        target = root / ("landing" if csv.stem[-2:] <= "04" else "later") / csv.relative_to(root / "all")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(csv, target)
    first = _run(root)
    assert first.returncode == 0, first.stderr[-2000:]
    return root


def _release_later_month(root: Path, month: str) -> None:
    for csv in sorted((root / "later").rglob(f"*_{month}.csv")):
        target = root / "landing" / csv.relative_to(root / "later")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(csv, target)


def test_killed_run_leaves_the_previous_snapshot_and_a_consistent_warehouse(built: Path) -> None:
    serving = built / "serving.duckdb"
    before = _sha(serving)
    _release_later_month(built, "2025-05")
    proc = subprocess.Popen(
        [JOURNEYS, "run"], env=_env(built), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if "journeys_dbt_assets" in line:  # ingest and gate done, dbt under way: kill the whole process group
            time.sleep(3)
            os.killpg(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _sha(serving) == before
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select count(*) from marts.journeys").fetchone()[0] > 0
    rerun = _run(built)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert _sha(serving) != before
    assert not list(built.glob("serving.duckdb.tmp-*"))


def test_bi_reader_keeps_working_during_a_run_and_sees_the_new_snapshot(built: Path) -> None:
    serving = built / "serving.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        submissions_before = con.execute("select count(*) from marts.submissions").fetchone()[0]
    _release_later_month(built, "2025-06")
    stop, out = built / "reader.stop", built / "reader.out"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(serving), str(stop), str(out)])
    try:
        run = _run(built)
    finally:
        time.sleep(0.5)
        stop.touch()
        reader.wait(timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    reads, last, *errors = out.read_text().split("\n")
    assert int(reads) > 10
    assert [e for e in errors if e] == []
    assert int(last) > submissions_before  # the reader ends on the new snapshot


def test_two_overlapping_runs_both_succeed(built: Path) -> None:
    first = subprocess.Popen(
        [JOURNEYS, "run"], env=_env(built), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1)
    second = _run(built)
    _, err = first.communicate(timeout=900)
    assert first.returncode == 0, err[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
