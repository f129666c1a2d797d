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

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

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


_held: dict[Path, int] = {}  # lock file -> nesting depth in this process
_held_guard = threading.Lock()
LOCK_WAIT_SECONDS = float(os.environ.get("JOURNEYS_LOCK_WAIT_SECONDS", "3600"))


@contextmanager
def warehouse_lock(path: str | Path) -> Iterator[None]:
    """Exclusive, cross-process use of the warehouse file (``<warehouse>.lock``, an OS advisory lock).

    DuckDB allows one writing process per file, and a reader in another process blocks a writer. Every pipeline
    step that opens the warehouse (and the dbt subprocess's step) holds this lock, so overlapping runs, from the
    UI or from two ``journeys run`` commands, queue instead of failing on DuckDB's lock. Re-entrant in a process.
    BI tools never touch the warehouse: they read the serving snapshot.
    """
    lock_path = Path(f"{path}.lock").absolute()
    with _held_guard:
        depth = _held.get(lock_path, 0)
        _held[lock_path] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _held_guard:
                _held[lock_path] -= 1
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a")
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the warehouse {path} has been in use by another run for {LOCK_WAIT_SECONDS:.0f}s; "
                        "wait for it to finish (or stop it) and run again"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        with _held_guard:
            _held[lock_path] -= 1
            if not _held[lock_path]:
                del _held[lock_path]
        handle.close()  # releases the lock


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
