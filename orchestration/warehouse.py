"""The warehouse's restricted layers: DDL and short-lived connections.

Schemas (all in the warehouse file, none of them copied to the serving database):

- ``ingest.submissions``: the submissions log, one row per file seen (including rejected and duplicate files).
- ``raw.submission_rows``: every data row of every loaded file, all values as text (NULL = empty), with lineage
  (``submission_id``, ``source_line``). Restricted: holds attributors, CLIENTID.
- ``raw.malformed_lines``: lines DuckDB's CSV reader could not parse into the header's columns (restricted).
- ``raw.extra_columns``: unknown extra columns, reported: column name and the count of non-empty values;
  ``raw.extra_values`` keeps their values aside per row (restricted: may hold free text).
- ``quarantine.rows``: one row per (data row, failed rule) with the offending values (restricted).
- ``gate.rule_results``: per submission and rule, how many rows failed (the ``marts.data_quality`` source).
- ``ingest.pipeline_info``: one row, the pseudonymisation key's fingerprint (recorded on first use, see
  :mod:`orchestration.pseudonymise`) and the version of the last run (the ``marts.snapshot_info`` source).

dbt reads these as sources; only the pipeline writes them.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

# The submission file's columns, in the spec's order (submission-format.md). Stored lower-case.
SUBMISSION_COLUMNS: tuple[str, ...] = (
    "agncy", "clientid", "finitial", "sinitial", "dob", "sex", "la", "episodid", "refld", "triaged",
    "drug1", "injstat", "mhneed", "depanx", "mhpsytx", "disd", "disrsn", "modid", "modal", "modset",
    "modst", "modend", "modexit", "subid", "subint", "subst", "subend",
)  # fmt: skip

# The Dagster concurrency pool of every step that opens the warehouse (dagster.yaml limits it to one at a time).
WRITER_POOL = "duckdb_writer"

# Submission statuses as published in marts.submissions. ``loaded`` is internal: rows are in raw, the gate
# has not decided yet (a crash between the two leaves ``loaded`` rows that the next run gates).
STATUSES = ("loaded", "accepted", "partially_accepted", "rejected", "duplicate", "superseded")

_DDL = f"""
create schema if not exists ingest;
create schema if not exists raw;
create schema if not exists quarantine;
create schema if not exists gate;

create sequence if not exists ingest.submission_id_seq start 1;

create table if not exists ingest.submissions (
    submission_id     bigint primary key,
    provider_code     varchar,           -- from the file name; NULL when the name is unusable
    reporting_month   date,              -- first day of the month; NULL when the name is unusable
    file_name         varchar not null,  -- path relative to the landing directory, '/' separators
    file_sha256       varchar not null,
    file_size         bigint not null,
    received_at       timestamp not null, -- file modification time (UTC)
    logged_at         timestamp not null,
    status            varchar not null,
    rows_total        bigint,
    rows_accepted     bigint,
    rows_quarantined  bigint,
    reason            varchar,
    duplicate_of      bigint,
    superseded_by     bigint
);

create table if not exists raw.submission_rows (
    submission_id bigint not null,
    source_line   bigint not null,
    {", ".join(f"{c} varchar" for c in SUBMISSION_COLUMNS)}
);

create table if not exists raw.malformed_lines (
    submission_id bigint not null,
    source_line   bigint not null,
    error         varchar,
    raw_line      varchar
);

create table if not exists raw.extra_columns (
    submission_id bigint not null,
    column_name   varchar not null,
    values_present bigint not null
);

create table if not exists raw.extra_values (
    submission_id bigint not null,
    source_line   bigint not null,
    values_json   varchar            -- the unknown columns' values of one row, kept aside (restricted)
);

create table if not exists quarantine.rows (
    submission_id    bigint not null,
    source_line      bigint not null,
    rule             varchar not null,
    severity         varchar not null,
    offending_values varchar
);

create table if not exists gate.rule_results (
    submission_id bigint not null,
    rule          varchar not null,
    severity      varchar not null,
    rows_failed   bigint not null
);

create table if not exists ingest.pipeline_info (
    key_fingerprint  varchar not null,   -- HMAC-SHA-256 of a fixed label under the key; never the key
    key_recorded_at  timestamp not null, -- first use of the key on this warehouse (UTC)
    pipeline_version varchar not null,   -- package version of the last run
    last_run_at      timestamp not null  -- UTC
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the restricted layers if they do not exist (idempotent)."""
    con.execute(_DDL)


DEFAULT_WRITER_WAIT_SECONDS = 300.0


def writer_wait_seconds() -> float:
    """How long a run waits for the warehouse (the writer slot or the lock) before giving up with an error:
    ``JOURNEYS_WRITER_WAIT_SECONDS``, default 300."""
    value = os.environ.get("JOURNEYS_WRITER_WAIT_SECONDS", "")
    try:
        return float(value) if value else DEFAULT_WRITER_WAIT_SECONDS
    except ValueError:
        raise ValueError(f"JOURNEYS_WRITER_WAIT_SECONDS must be a number of seconds, not {value!r}") from None


class WarehouseBusy(Exception):
    """The warehouse lock stayed taken for longer than the configured wait."""


def _holder_line() -> str:
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return f"pid {os.getpid()} on {socket.gethostname()} since {since} UTC"


@contextmanager
def warehouse_lock(path: str | Path) -> Iterator[None]:
    """Exclusive, cross-process use of the warehouse file: ``<warehouse>.lock``, an OS lock (``filelock``).

    DuckDB allows one writing process per file, and a reader in another process blocks a writer. Every pipeline
    step that opens the warehouse (and the dbt subprocess's step) holds this lock, so overlapping runs, from the
    UI or from two ``journeys run`` commands, queue instead of failing on DuckDB's lock. Re-entrant in a process.
    The OS drops the lock when its holder dies, however it dies, so a killed run never blocks a later one. The
    holder writes who it is into the lock file; a waiter prints that once, gives up after
    ``JOURNEYS_WRITER_WAIT_SECONDS`` (:class:`WarehouseBusy`), and Ctrl-C stops the wait.
    BI tools never touch the warehouse: they read the serving snapshot.
    """
    lock_path = Path(f"{path}.lock").absolute()
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path, is_singleton=True, thread_local=False)
    if lock.is_locked:  # this process holds it already
        with lock:
            yield
        return
    try:
        lock.acquire(blocking=False)
    except Timeout:
        limit = writer_wait_seconds()
        holder = lock_path.read_text(encoding="utf-8").strip() or "another process"
        print(
            f"journeys: waiting for the warehouse {path}, in use by {holder}; giving up after {limit:.0f}s "
            "(Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )
        try:
            lock.acquire(timeout=limit, poll_interval=0.2)
        except Timeout:
            raise WarehouseBusy(
                f"the warehouse {path} is still in use by {holder} after {limit:.0f}s; wait for that run to "
                "finish (or stop it), then run again; JOURNEYS_WRITER_WAIT_SECONDS sets how long to wait"
            ) from None
    try:
        with lock_path.open("r+", encoding="utf-8") as note:
            note.truncate()
            note.write(_holder_line() + "\n")
        yield
    finally:
        lock.release()


def warehouse_in_use(path: str | Path) -> bool:
    """True when another process holds the warehouse lock right now (never waits)."""
    lock = FileLock(Path(f"{path}.lock").absolute(), is_singleton=True, thread_local=False)
    if lock.is_locked:  # this process holds it
        return False
    try:
        lock.acquire(blocking=False)
    except Timeout:
        return True
    lock.release()
    return False


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection under the warehouse lock: nothing holds the file for long."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    with warehouse_lock(path):
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            if not read_only:
                ensure_schema(con)
            yield con
        finally:
            con.close()
