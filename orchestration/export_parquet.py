"""The Spark engine's hand-over (``journeys run --engine spark``): DuckDB → Parquet → Spark → DuckDB.

Ingestion and the gate stay in DuckDB. :func:`export_for_spark` then writes, under ``<spark dir>/export``:

- ``raw/submission_rows/reporting_month=YYYY-MM-DD/*.parquet``: the ACCEPTED rows only (current submissions, no
  error-severity quarantine entry), partitioned by reporting month, with the attributors replaced by what the
  models need from them, derived here in DuckDB: ``client_key`` (the HMAC pseudonym, computed by the same SQL
  macro the DuckDB build uses; the secret stays on this side) and ``start_age_years`` (completed years at
  TRIAGED, else REFLD). FINITIAL, SINITIAL, DOB and CLIENTID are not exported.
- ``ingest/submissions``, ``ingest/pipeline_info`` (key fingerprint and version), ``gate/rule_results`` and
  ``quarantine/rows`` (ids, rule and severity; never the offending values);
- ``reference/<seed>``: the reference data (dbt seeds) with their configured column types.

dbt on Spark registers these as its sources (macro ``register_sources``) and builds the same models.
:func:`import_marts` brings the marts back into the warehouse's ``marts`` schema, typed as their contracts say,
so the serving snapshot and BI tools see no difference.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from orchestration.pseudonymise import MACRO_NAME, define_macro
from orchestration.settings import SEEDS_DIR
from orchestration.warehouse import SUBMISSION_COLUMNS, connect

RESTRICTED = ("clientid", "finitial", "sinitial", "dob")
INSTALL_SPARK = "pip install -c requirements.lock -e '.[spark]' (make test does it)"
INSTALL_JAVA = "apt-get install openjdk-17-jre-headless (or set JAVA_HOME to a Java 17 runtime)"


def require_spark() -> None:
    """The Spark engine needs pyspark + dbt-spark (the project's ``spark`` extra) and a Java 17 runtime."""
    missing = [m for m in ("pyspark", "dbt.adapters.spark") if importlib.util.find_spec(m) is None]
    if missing:
        raise RuntimeError(f"the Spark engine needs {' and '.join(missing)}: {INSTALL_SPARK}")
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").is_file()) and shutil.which("java") is None:
        raise RuntimeError(f"the Spark engine needs Java 17 and no java was found: {INSTALL_JAVA}")


def _clean(col: str, upper: bool = False) -> str:
    """Mirrors the dbt macros clean_text() and to_date() (macros/dates.sql) on DuckDB."""
    return f"nullif(upper(trim(r.{col})), '')" if upper else f"nullif(trim(r.{col}), '')"


def _date(col: str) -> str:
    return f"try_cast({_clean(col)} as date)"


def _age(dob: str, at: str) -> str:
    """Mirrors the dbt macro age_in_years()."""
    return (
        f"(extract(year from {at}) - extract(year from {dob}) - case when extract(month from {at}) * 100 "
        f"+ extract(day from {at}) < extract(month from {dob}) * 100 + extract(day from {dob}) then 1 else 0 end)"
    )


_ACCEPTED_ROWS = f"""
select
    r.submission_id,
    r.source_line,
    {", ".join(f"r.{c}" for c in SUBMISSION_COLUMNS if c not in RESTRICTED)},
    {MACRO_NAME}({_clean("finitial", True)}, {_clean("sinitial", True)}, {_date("dob")}, {_clean("sex", True)})
        as client_key,
    cast({_age(_date("dob"), f"coalesce({_date('triaged')}, {_date('refld')})")} as integer) as start_age_years,
    s.reporting_month
from raw.submission_rows as r
inner join ingest.submissions as s
    on r.submission_id = s.submission_id
where lower(s.status) in ('accepted', 'partially_accepted')
  and not exists (
      select 1 from quarantine.rows as q
      where q.submission_id = r.submission_id and q.source_line = r.source_line and lower(trim(q.severity)) = 'error'
  )
"""

_TABLES = {
    "ingest/submissions": "select * from ingest.submissions",
    "ingest/pipeline_info": "select * from ingest.pipeline_info",  # marts.snapshot_info's source
    "gate/rule_results": "select * from gate.rule_results",
    "quarantine/rows": "select submission_id, source_line, rule, severity from quarantine.rows",
}


@dataclass(frozen=True)
class Export:
    root: Path
    rows: int  # accepted rows exported
    months: int  # reporting-month partitions


def _seed_types(manifest: Path) -> dict[str, dict[str, str]]:
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return {n["name"]: n["config"].get("column_types") or {} for n in nodes if n["resource_type"] == "seed"}


def _copy(con: duckdb.DuckDBPyConnection, sql: str, target: Path, params: dict[str, object] | None = None) -> None:
    target.mkdir(parents=True, exist_ok=True)
    con.sql(sql, params=params).write_parquet(str(target / "part-0.parquet"))


def export_for_spark(warehouse: Path, root: Path, manifest: Path) -> Export:
    """Write the Spark side's inputs under ``root`` (replaced whole), from the warehouse and the seeds."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    with connect(warehouse, read_only=True) as con:
        define_macro(con)  # a temporary macro on this connection only, as in the dbt-duckdb plugin
        ((rows, months),) = con.execute(
            f"select count(*), count(distinct reporting_month) from ({_ACCEPTED_ROWS})"
        ).fetchall()  # fetched whole: the relation API refuses a connection with an unfinished result
        target = root / "raw" / "submission_rows"
        target.parent.mkdir(parents=True)
        if rows:
            con.sql(_ACCEPTED_ROWS).write_parquet(str(target), partition_by=["reporting_month"])
        else:  # no partitions: one empty file keeps the columns for Spark
            _copy(con, _ACCEPTED_ROWS, target)
        for name, sql in _TABLES.items():
            _copy(con, sql, root / name)
        for seed, types in _seed_types(manifest).items():
            casts = ", ".join(f"cast({c} as {t}) as {c}" for c, t in types.items())
            columns = f"* replace ({casts})" if casts else "*"
            csv = SEEDS_DIR / f"{seed}.csv"
            read = f"select {columns} from read_csv($csv, all_varchar = true)"
            _copy(con, read, root / "reference" / seed, {"csv": str(csv)})
    return Export(root=root, rows=int(rows), months=int(months))


def _contracts(manifest: Path) -> dict[str, list[tuple[str, str | None]]]:
    """marts model -> [(column, contract data type)] from the dbt manifest of the Spark run."""
    nodes: list[dict[str, Any]] = list(json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values())
    return {
        n["alias"]: [(c["name"], c.get("data_type")) for c in n["columns"].values()]
        for n in nodes
        if n["resource_type"] == "model" and n["schema"] == "marts"
    }


def import_marts(spark_warehouse: Path, warehouse: Path, manifest: Path) -> dict[str, int]:
    """Replace the warehouse's marts tables with the ones Spark built (one transaction); returns their row counts."""
    counts: dict[str, int] = {}
    with connect(warehouse) as con:
        con.execute("begin")
        con.execute("create schema if not exists marts")
        for table, columns in sorted(_contracts(manifest).items()):
            files = spark_warehouse / "marts.db" / table
            if not files.is_dir():
                raise RuntimeError(f"Spark built no marts.{table} under {files}; see the dbt log of the run")
            select = ", ".join(f'cast("{c}" as {t}) as "{c}"' if t else f'"{c}"' for c, t in columns) or "*"
            con.execute(
                f'create or replace table marts."{table}" as select {select} from read_parquet($files)',
                {"files": f"{files}/*.parquet"},
            )
            counts[table] = con.execute(f'select count(*) from marts."{table}"').fetchone()[0]  # type: ignore[index]
        con.execute("commit")
    return counts
