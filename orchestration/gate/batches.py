"""What ``{batch}`` stands for in the gate's rules: per-submission relations inside DuckDB, and the code lists.

For one submission the gate creates three views (in schema ``gate``, dropped after the run; GX reads through its
own connection, so they cannot be TEMP views):

- ``rows``: ``raw.submission_rows`` of the submission, plus context the rules compare with:
  ``file_provider_code`` and ``reporting_month`` (from the file name, via ``ingest.submissions``), ``month_end``
  (last day of the reporting month), and ``<col>_date`` for every date column: the value parsed strictly as
  ``YYYY-MM-DD`` (NULL when blank or not a real date written that way);
- ``malformed_lines``: the submission's unreadable lines (``raw.malformed_lines``);
- ``extra_columns``: its unknown header columns (``raw.extra_columns``).

Code lists come from ``seeds/*.csv`` (the same files dbt seeds from), copied into ``gate.ref_<seed>`` tables
(all text) on every run, so a rule says e.g. ``drug1 not in (select drug_code from gate.ref_drug_codes)`` and no
list is written twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
DATE_COLUMNS = ("dob", "refld", "triaged", "disd", "modst", "modend", "subst", "subend")
BATCH_KINDS = ("rows", "malformed_lines", "extra_columns")
_ISO_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


@dataclass(frozen=True)
class BatchViews:
    schema: str
    names: dict[str, str]  # batch kind -> view name (unqualified)

    def relation(self, kind: str) -> str:
        """What ``{batch}`` becomes: ``schema.view``, exactly how GX renders a schema-qualified table."""
        return f"{self.schema}.{self.names[kind]}"


def load_reference_tables(con: duckdb.DuckDBPyConnection, seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """(Re)create ``gate.ref_<seed>`` from every seed CSV; returns the table names."""
    con.execute("create schema if not exists gate")
    tables = []
    for path in sorted(seeds_dir.glob("*.csv")):
        table = f"gate.ref_{path.stem}"
        con.execute(
            f"create or replace table {table} as select * from read_csv($p, header = true, all_varchar = true)",
            {"p": str(path)},
        )
        tables.append(table)
    return tables


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _view_sql(kind: str, submission_id: int, provider_code: str, reporting_month: date) -> str:
    sid = int(submission_id)
    if kind == "rows":
        dates = ", ".join(
            f"case when {c} glob '{_ISO_DATE}' then try_cast({c} as date) end as {c}_date" for c in DATE_COLUMNS
        )
        return (
            f"select r.*, {_sql_string(provider_code)} as file_provider_code, "
            f"date '{reporting_month.isoformat()}' as reporting_month, "
            f"last_day(date '{reporting_month.isoformat()}') as month_end, {dates} "
            f"from raw.submission_rows r where r.submission_id = {sid}"
        )
    if kind == "malformed_lines":
        return f"select submission_id, source_line, error from raw.malformed_lines where submission_id = {sid}"
    if kind == "extra_columns":
        return f"select submission_id, column_name, values_present from raw.extra_columns where submission_id = {sid}"
    raise ValueError(f"unknown batch kind {kind!r}")


@contextmanager
def batch_views(
    con: duckdb.DuckDBPyConnection,
    submission_id: int,
    provider_code: str,
    reporting_month: date,
    temporary: bool = False,
) -> Iterator[BatchViews]:
    """Create the submission's batch views for the duration of the block.

    ``temporary=True`` makes TEMP views (visible to ``con`` only, nothing written to the database): enough when
    only ``con`` itself queries them, e.g. for a report.
    """
    schema = "temp.main" if temporary else "gate"
    if not temporary:
        con.execute("create schema if not exists gate")
    names = {kind: f"batch_{kind}_{int(submission_id)}" for kind in BATCH_KINDS}
    views = BatchViews(schema=schema, names=names)
    for kind in names:
        sql = _view_sql(kind, submission_id, provider_code, reporting_month)
        con.execute(f"create or replace {'temp ' if temporary else ''}view {views.relation(kind)} as {sql}")
    try:
        yield views
    finally:
        for kind in names:
            con.execute(f"drop view if exists {views.relation(kind)}")
