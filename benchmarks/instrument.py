"""Where ``ingest_landing``'s time goes, measured inside the timed run (no change to the code under test).

:func:`instrumented_ingest` wraps the connection handed to ``ingest_landing`` in :class:`TimedConnection` (a proxy
that times every statement by kind) and the module's ``scan_file`` / ``load_csv`` in timers. With ``group_rows``
the proxy also *simulates* group commit: the per-file ``begin transaction`` / ``commit`` pairs are merged so one
transaction holds >= ``group_rows`` loaded rows (valid for clean input only: a failing file would roll back its
whole group). That shows what the per-file commits cost and what the suggested fix would give.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb


def _kind(sql: str) -> str:
    words = sql.split(None, 3)
    first = words[0].lower() if words else ""
    if first in ("begin", "commit", "rollback"):
        return first
    if "raw.submission_rows" in sql and first == "insert":
        return "insert rows"
    return "other SQL"


class TimedConnection:
    """A DuckDB connection proxy: seconds per statement kind; optional group commit (see the module doc)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, group_rows: int = 0) -> None:
        self.con = con
        self.group_rows = group_rows
        self.seconds: Counter[str] = Counter()
        self.staged_rows = 0  # rows loaded since the last real commit (fed by the load_csv timer)
        self._open = False

    def execute(self, sql: str, parameters: object = None) -> Any:
        kind = _kind(sql)
        if self.group_rows and kind == "begin" and self._open:
            return self.con  # the group's transaction is still open
        if self.group_rows and kind == "commit" and self.staged_rows < self.group_rows:
            return self.con  # deferred to the group's commit
        started = time.perf_counter()
        result = self.con.execute(sql, parameters) if parameters is not None else self.con.execute(sql)
        self.seconds[kind] += time.perf_counter() - started
        if kind == "begin":
            self._open = True
        elif kind in ("commit", "rollback"):
            self._open = False
            self.staged_rows = 0
        return result

    def finish(self) -> None:
        """Commit a group left open by the last files."""
        if self._open:
            self.staged_rows = self.group_rows
            self.execute("commit")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def _timed(function: Callable[..., Any], seconds: Counter[str], label: str, after: Callable[[Any], None]) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - started
        after(result)
        return result

    return wrapper


def instrumented_ingest(warehouse: Path, landing: Path, group_rows: int = 0) -> dict[str, Any]:
    """``ingest_landing`` into ``warehouse`` (under ``connect``), timed by part; returns rows and seconds by part."""
    from orchestration.ingest import run
    from orchestration.warehouse import connect

    with connect(warehouse) as con:
        timed = TimedConnection(con, group_rows)

        def count(result: Any) -> None:
            timed.staged_rows += result.rows_loaded

        calls = {"scan_file": run.scan_file, "load_csv": run.load_csv}
        run.scan_file = _timed(run.scan_file, timed.seconds, "scan_file", lambda _: None)  # type: ignore[assignment]
        run.load_csv = _timed(run.load_csv, timed.seconds, "load_csv", count)  # type: ignore[assignment]
        try:
            summary = run.ingest_landing(timed, landing)  # type: ignore[arg-type]
            timed.finish()
        finally:
            run.scan_file, run.load_csv = calls["scan_file"], calls["load_csv"]  # type: ignore[assignment]
        started = time.perf_counter()
    closing = time.perf_counter() - started  # close: DuckDB checkpoints what is left in the WAL
    seconds = dict(timed.seconds)
    seconds["close (checkpoint)"] = closing
    return {"rows": summary.rows_loaded, "rejected": summary.rejected, "seconds": seconds}
