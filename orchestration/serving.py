"""The serving snapshot: schema ``marts`` only, published atomically for BI tools.

A new file is written beside the target (``<serving>.tmp-<pid>``), checked, then renamed over the old one.
A BI reader that has the old file open keeps its (now unlinked) file and keeps working; new readers see the
new snapshot. A failed or killed run leaves the last good snapshot untouched (at worst a stray temp file,
removed by the next publication).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Columns that must never reach the serving database (attributors, local ids, free text).
FORBIDDEN_COLUMNS = frozenset(
    {"clientid", "client_id", "finitial", "sinitial", "dob", "date_of_birth", "extra", "values_json", "raw_line"}
)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    tables: dict[str, int]  # table -> rows


def publish_snapshot(warehouse: Path, serving: Path) -> Snapshot:
    serving.parent.mkdir(parents=True, exist_ok=True)
    for stale in serving.parent.glob(f"{serving.name}.tmp-*"):
        stale.unlink(missing_ok=True)
    tmp = serving.with_name(f"{serving.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute("attach $w as wh (read_only)", {"w": str(warehouse)})
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
            con.execute("detach wh")
            con.execute("checkpoint")
        os.replace(tmp, serving)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Snapshot(path=serving, tables=counts)
