"""Where ``ingest_landing``'s time goes, measured inside the timed run (no change to the code under test).

:func:`instrumented_ingest` wraps the connection handed to ``ingest_landing`` in :class:`TimedConnection` (a proxy
that times every statement by kind) and the module's ``scan_file`` / ``load_csv`` in timers. ``group_rows`` is
passed to ``ingest_landing`` (its group commit; 0 = one transaction per file), and so is ``workers`` (its loading
lanes). Statements run on the lanes' own cursors are not timed by kind, and with several lanes the part timers add
up the lanes' time, so they can exceed the wall time.
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
    """A DuckDB connection proxy: seconds per statement kind."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.seconds: Counter[str] = Counter()

    def execute(self, sql: str, parameters: object = None) -> Any:
        kind = _kind(sql)
        started = time.perf_counter()
        result = self.con.execute(sql, parameters) if parameters is not None else self.con.execute(sql)
        self.seconds[kind] += time.perf_counter() - started
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def _timed(function: Callable[..., Any], seconds: Counter[str], label: str) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - started

    return wrapper


def instrumented_ingest(warehouse: Path, landing: Path, group_rows: int, workers: int | None) -> dict[str, Any]:
    """``ingest_landing`` into ``warehouse`` (under ``connect``), timed by part; returns rows and seconds by part."""
    from orchestration.ingest import run
    from orchestration.warehouse import connect

    with connect(warehouse) as con:
        timed = TimedConnection(con)
        calls = {"scan_file": run.scan_file, "load_csv": run.load_csv}
        run.scan_file = _timed(run.scan_file, timed.seconds, "scan_file")  # type: ignore[assignment]
        run.load_csv = _timed(run.load_csv, timed.seconds, "load_csv")  # type: ignore[assignment]
        try:
            summary = run.ingest_landing(timed, landing, group_rows=group_rows, workers=workers)  # type: ignore[arg-type]
        finally:
            run.scan_file, run.load_csv = calls["scan_file"], calls["load_csv"]  # type: ignore[assignment]
        started = time.perf_counter()
    closing = time.perf_counter() - started  # close: DuckDB checkpoints what is left in the WAL
    seconds = dict(timed.seconds)
    seconds["close (checkpoint)"] = closing
    return {"rows": summary.rows_loaded, "rejected": summary.rejected, "seconds": seconds}
