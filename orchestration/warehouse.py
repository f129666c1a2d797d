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

dbt reads these as sources; only the pipeline writes them.
"""

from __future__ import annotations

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
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the restricted layers if they do not exist (idempotent)."""
    con.execute(_DDL)


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection: DuckDB allows one writer per file, so nothing holds one for long."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()
