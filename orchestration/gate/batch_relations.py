"""What ``{batch}`` stands for in the gate's rules: relations spanning every submission of one gate pass.

One gate pass judges a set of submissions at once (every file waiting to be gated). It first writes that set to a
table ``files`` and then creates views over it (in schema ``gate``, dropped after the run; GX reads through its own
cursors, so they cannot be TEMP objects). Every relation carries ``submission_id``, and every rule's query selects
it and partitions by it (grouping and self-joins include ``submission_id``), so a rule still judges each file on
its own rows:

- ``files``: one row per submission: ``submission_id``, ``file_provider_code`` and ``reporting_month`` (from the
  file name, via ``ingest.submissions``), ``month_end`` (last day of the reporting month), ``data_rows`` and
  ``malformed_lines`` (its lines in ``raw.submission_rows`` / ``raw.malformed_lines``);
- ``rows``: ``raw.submission_rows`` of those submissions plus their ``file_provider_code``, ``reporting_month``
  and ``month_end``, and ``<col>_date`` for every date column: the value parsed strictly as ``YYYY-MM-DD`` (NULL
  when blank or not a real date written that way);
- ``malformed_lines``: their unreadable lines (``raw.malformed_lines``);
- ``extra_columns``: their unknown header columns (``raw.extra_columns``).

Code lists come from ``seeds/*.csv`` (the same files dbt seeds from), copied into ``gate.ref_<seed>`` tables
(all text) on every run, so a rule says e.g. ``drug1 not in (select drug_code from gate.ref_drug_codes)`` and no
list is written twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.gate.rules import GATE_BATCHES as BATCH_KINDS
from orchestration.settings import SEEDS_DIR

DATE_COLUMNS = ("dob", "refld", "triaged", "disd", "modst", "modend", "subst", "subend")
_ISO_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


@dataclass(frozen=True)
class BatchViews:
    schema: str
    names: dict[str, str]  # batch kind -> relation name (unqualified)

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


def _files_sql(ids: str) -> str:
    """The ``files`` table's content for the submissions of ``ids`` (a relation with column submission_id)."""
    return f"""
        with chosen as (select distinct submission_id from {ids}),
        data as (select submission_id, count(*) as n from raw.submission_rows
                 where submission_id in (select submission_id from chosen) group by all),
        bad as (select submission_id, count(*) as n from raw.malformed_lines
                where submission_id in (select submission_id from chosen) group by all)
        select s.submission_id, s.provider_code as file_provider_code, s.reporting_month,
               last_day(s.reporting_month) as month_end,
               coalesce(data.n, 0) as data_rows, coalesce(bad.n, 0) as malformed_lines
        from ingest.submissions s
        join chosen using (submission_id)
        left join data using (submission_id)
        left join bad using (submission_id)
        order by s.submission_id
    """


def _view_sql(kind: str, files: str) -> str:
    if kind == "rows":
        dates = ", ".join(
            f"case when r.{c} glob '{_ISO_DATE}' then try_cast(r.{c} as date) end as {c}_date" for c in DATE_COLUMNS
        )
        return (
            f"select r.*, f.file_provider_code, f.reporting_month, f.month_end, {dates} "
            f"from raw.submission_rows r join {files} f on r.submission_id = f.submission_id"
        )
    if kind == "malformed_lines":
        return (
            "select m.submission_id, m.source_line, m.error from raw.malformed_lines m "
            f"where m.submission_id in (select submission_id from {files})"
        )
    if kind == "extra_columns":
        return (
            "select e.submission_id, e.column_name, e.values_present from raw.extra_columns e "
            f"where e.submission_id in (select submission_id from {files})"
        )
    raise ValueError(f"unknown batch kind {kind!r}")


@contextmanager
def batch_views(
    con: duckdb.DuckDBPyConnection, submission_ids: Iterable[int], temporary: bool = False
) -> Iterator[BatchViews]:
    """The batch relations of these submissions for the duration of the block (committed: GX reads them).

    ``temporary=True`` makes TEMP objects (visible to ``con`` only, nothing written to the database): enough when
    only ``con`` itself queries them, e.g. for reports.
    """
    schema = "temp.main" if temporary else "gate"
    temp = "temp " if temporary else ""
    if not temporary:
        con.execute("create schema if not exists gate")
    views = BatchViews(schema=schema, names={kind: f"batch_{kind}" for kind in BATCH_KINDS})
    files = views.relation("files")
    ids = sorted({int(i) for i in submission_ids})
    try:
        ids_sql = "(select unnest($ids::bigint[]) as submission_id)"
        con.execute(f"create or replace {temp}table {files} as {_files_sql(ids_sql)}", {"ids": ids})
        for kind in BATCH_KINDS[1:]:
            con.execute(f"create or replace {temp}view {views.relation(kind)} as {_view_sql(kind, files)}")
        yield views
    finally:
        for kind in BATCH_KINDS[1:]:
            con.execute(f"drop view if exists {views.relation(kind)}")
        con.execute(f"drop table if exists {files}")
