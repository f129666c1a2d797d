"""The cross-process ``<warehouse>.lock``: a waiter says who holds it and gives up after the configured limit;
a holder that dies (SIGKILL) never blocks a later user. Real processes, real OS locks."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.warehouse import WarehouseBusy, warehouse_lock

HOLDER = """
import sys, time
from orchestration.warehouse import warehouse_lock
with warehouse_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(600)
"""


def _holder(warehouse: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_waiter_names_the_holder_gives_up_at_the_limit_and_a_dead_holder_blocks_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse)
    try:
        monkeypatch.setenv("JOURNEYS_WRITER_WAIT_SECONDS", "1")
        with pytest.raises(WarehouseBusy) as busy, warehouse_lock(warehouse):
            pytest.fail("got the lock while another process holds it")
        assert f"pid {holder.pid} on " in str(busy.value) and "JOURNEYS_WRITER_WAIT_SECONDS" in str(busy.value)
        waiting = capsys.readouterr().err.strip().splitlines()
        assert len(waiting) == 1 and f"in use by pid {holder.pid} on " in waiting[0], waiting
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    with warehouse_lock(warehouse), warehouse_lock(warehouse):  # free at once, and re-entrant in a process
        assert capsys.readouterr().err == ""


WAITER = """
import sys
from orchestration.warehouse import warehouse_lock
try:
    with warehouse_lock(sys.argv[1]):
        print("got the lock", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_stops_a_wait_for_the_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse)
    try:
        waiter = subprocess.Popen(
            [sys.executable, "-c", WAITER, str(warehouse)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert waiter.stderr is not None
        assert "journeys: waiting for the warehouse" in waiter.stderr.readline()  # it is waiting now
        waiter.send_signal(signal.SIGINT)
        out, _ = waiter.communicate(timeout=30)
        assert out.strip() == "interrupted"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
