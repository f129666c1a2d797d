"""The serving snapshot: schema ``marts`` only, published atomically for BI tools.

A new file is written beside the target (``<serving>.tmp-<pid>``), checked, then renamed over the old one.
A BI reader that has the old file open keeps its (now unlinked) file and keeps working; new readers see the
new snapshot. A failed or killed run leaves the last good snapshot untouched (at worst a stray temp file,
removed by the next publication).

Table and column comments (the dbt YAML descriptions, persisted in the warehouse by dbt's ``persist_docs``) are
copied with the tables: ``create table as select`` drops them, so one generated batch of ``COMMENT ON`` statements
puts them back.

The publishing guard: the snapshot only moves forward. Before the rename the new snapshot's ``marts.snapshot_info``
is compared with the current one's; publication is refused (:class:`ServingRefusedError`, the current file is left
byte-identical) when the new one was built with another pseudonymisation key, has no accepted submission while
the current one has some, has an earlier as_of, or holds fewer accepted submissions. ``replace=True``
(``journeys run --replace-serving``, run config ``replace_serving``) publishes it anyway. A snapshot from before
``snapshot_info`` existed is compared on its accepted submissions (``marts.submissions``) only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

# Columns that must never reach the serving database (attributors, local ids, free text).
FORBIDDEN_COLUMNS = frozenset(
    {"clientid", "client_id", "finitial", "sinitial", "dob", "date_of_birth", "extra", "values_json", "raw_line"}
)
_OVERRIDE = "pass --replace-serving (run config replace_serving: true) to replace it on purpose"


class ServingRefusedError(RuntimeError):
    """The new snapshot would move the serving database back; the current one is left as it was."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    tables: dict[str, int]  # table -> rows


@dataclass(frozen=True)
class SnapshotInfo:
    """What the guard compares (None: not recorded in that snapshot)."""

    as_of: date | None
    accepted: int
    fingerprint: str | None


def publish_snapshot(warehouse: Path, serving: Path, replace: bool = False) -> Snapshot:
    """Copy the marts into a new serving file and swap it in atomically (refused if it would go back)."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    for stale in serving.parent.glob(f"{serving.name}.tmp-*"):
        stale.unlink(missing_ok=True)
    tmp = serving.with_name(f"{serving.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute("attach $w as wh (read_only)", {"w": str(warehouse)})
            counts = _copy_marts(con)
            con.execute("detach wh")
            if not replace and serving.exists():
                refusal = _refusal(con, serving)
                if refusal:
                    raise ServingRefusedError(f"serving snapshot NOT replaced ({serving} is left as it was): {refusal}")
            con.execute("checkpoint")
        os.replace(tmp, serving)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Snapshot(path=serving, tables=counts)


def _copy_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Schema ``marts`` of the attached warehouse ``wh`` into this database, with its comments."""
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'wh' and schema_name = 'marts' "
            "order by table_name"
        ).fetchall()
    ]
    if not tables:
        raise RuntimeError("the warehouse has no marts tables to publish; run the dbt models first")
    leaked = con.execute(
        "select table_name || '.' || column_name from duckdb_columns() where database_name = 'wh' "
        "and schema_name = 'marts' and lower(column_name) in (select unnest($f))",
        {"f": sorted(FORBIDDEN_COLUMNS)},
    ).fetchall()
    if leaked:
        raise RuntimeError(f"refusing to publish restricted columns: {', '.join(r[0] for r in leaked)}")
    con.execute("create schema marts")
    counts: dict[str, int] = {}
    for table in tables:
        con.execute(f'create table marts."{table}" as select * from wh.marts."{table}"')
        counts[table] = con.execute(f'select count(*) from marts."{table}"').fetchone()[0]  # type: ignore[index]
    _copy_comments(con)
    return counts


_COMMENTS = """
create or replace temp macro journeys_ident(s) as '"' || replace(s, '"', '""') || '"';
create or replace temp macro journeys_literal(s) as '''' || replace(s, '''', '''''') || '''';
select string_agg(statement, '; ') from (
    select 'comment on table marts.' || journeys_ident(table_name) || ' is ' || journeys_literal(comment) as statement
    from duckdb_tables()
    where database_name = 'wh' and schema_name = 'marts' and comment is not null
    union all
    select 'comment on column marts.' || journeys_ident(table_name) || '.' || journeys_ident(column_name) || ' is '
        || journeys_literal(comment)
    from duckdb_columns()
    where database_name = 'wh' and schema_name = 'marts' and comment is not null
)
"""


def _copy_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Every table and column comment of ``wh.marts`` onto the copies: generated in one query, run as one batch."""
    script = con.execute(_COMMENTS).fetchone()
    if script and script[0]:
        con.execute(script[0])


def _info(con: duckdb.DuckDBPyConnection, database: str) -> SnapshotInfo:
    """The guard's view of one snapshot (``database``: the name it is attached under)."""
    present = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = $d and schema_name = 'marts'",
            {"d": database},
        ).fetchall()
    }
    if "snapshot_info" in present:
        row = con.execute(
            f"select as_of, submissions_accepted, key_fingerprint from {database}.marts.snapshot_info limit 1"
        ).fetchone()
        if row:
            return SnapshotInfo(as_of=row[0], accepted=int(row[1] or 0), fingerprint=row[2])
    accepted = 0
    if "submissions" in present:
        accepted = con.execute(
            f"select count(*) from {database}.marts.submissions where status in ('accepted', 'partially_accepted')"
        ).fetchone()[0]  # type: ignore[index]
    return SnapshotInfo(as_of=None, accepted=int(accepted), fingerprint=None)


def _refusal(con: duckdb.DuckDBPyConnection, serving: Path) -> str | None:
    """Why the new snapshot (this connection's database) must not replace ``serving``; None when it may."""
    try:
        con.execute("attach $p as current_snapshot (read_only)", {"p": str(serving)})
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        return f"the current file cannot be read as a DuckDB snapshot ({first}); move it aside, or {_OVERRIDE}"
    try:
        old = _info(con, "current_snapshot")
    finally:
        con.execute("detach current_snapshot")
    new = _info(con, con.execute("select current_database()").fetchone()[0])  # type: ignore[index]
    return refusal_reason(old, new)


def refusal_reason(old: SnapshotInfo, new: SnapshotInfo) -> str | None:
    """The first rule the new snapshot breaks, as one line that says what to do; None when it moves forward."""
    if old.fingerprint is not None and new.fingerprint != old.fingerprint:
        return (
            f"it was built with another pseudonymisation key (key fingerprint {str(new.fingerprint)[:12]}…, the "
            f"current snapshot's {old.fingerprint[:12]}…), so every client key would change; run with the original "
            f"JOURNEYS_PSEUDONYM_KEY, or {_OVERRIDE}"
        )
    if new.accepted == 0 and old.accepted > 0:
        return (
            f"it has no accepted submission while the current one has {old.accepted:,}; check --landing and "
            f"--warehouse point at the right data, or {_OVERRIDE}"
        )
    if old.as_of is not None and (new.as_of is None or new.as_of < old.as_of):
        return (
            f"its as_of {new.as_of} is earlier than the current snapshot's {old.as_of}; write a historical snapshot "
            f"to another file with --serving PATH, or {_OVERRIDE}"
        )
    if new.accepted < old.accepted:
        return (
            f"it holds fewer accepted submissions ({new.accepted:,}) than the current one ({old.accepted:,}); check "
            f"--landing and --warehouse point at the right data, or {_OVERRIDE}"
        )
    return None
