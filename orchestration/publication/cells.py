"""From marts to published tables: long-format count cells, suppression, and the per-region wide tables.

All the work is SQL over temp tables on the caller's connection (reads ``marts`` only, so a read-only
connection to the serving snapshot works):

- ``_pub_cells``: every count cell of the four tables for the window, at England, region and LA level, with the
  cell's parent geography (LA → its region from the reference data; region → England);
- ``_pub_suppressed``: the same with the ``suppressed`` flag (``suppression.suppress_cells``), computed for the
  whole country at once so every pack of a month agrees about every cell;
- ``_pub_out_<table>``: one region's published rows, suppressed values NULL, a ``<column>_suppressed`` marker
  after each count and rate.
"""

from __future__ import annotations

import duckdb

from orchestration.publication.reference import ENGLAND_CODE, ENGLAND_NAME, GEO_TABLE
from orchestration.publication.sqltext import date_literal, quote
from orchestration.publication.suppression import suppress_cells
from orchestration.publication.tables import PUBLISHED_TABLES, MartTable, published_columns
from orchestration.publication.window import Window

CELLS_TABLE = "_pub_cells"
SUPPRESSED_TABLE = "_pub_suppressed"


def window_filter(table: MartTable, window: Window, alias: str = "t") -> str:
    """SQL predicate: the table's rows inside the window (QS8: the months, plus the financial year of M)."""
    first, last = date_literal(window.first_month), date_literal(window.month)
    months = f"{alias}.{table.period_column} between {first} and {last}"
    if table.period_type_column is None:
        return months
    return (
        f"(({alias}.period_type = 'month' and {months}) or ({alias}.period_type = 'financial_year'"
        f" and {alias}.period_start <= {last} and {alias}.period_end >= {last}))"
    )


def _cells_sql(table: MartTable, window: Window) -> str:
    measure = f"t.{table.measure_column}" if table.measure_column else "''"
    period_type = f"t.{table.period_type_column}" if table.period_type_column else "''"
    unpivot = " union all ".join(
        f"select {quote(c)} as count_name, {c}::bigint as value, * exclude ({', '.join(table.counts)}) from base"
        for c in table.counts
    )
    return f"""
        with base as (
            select {quote(table.name)} as table_name,
                   {measure} as measure_key,
                   {period_type} as period_type_key,
                   t.{table.period_column} as period_key,
                   t.geography_level,
                   t.geography_code,
                   case t.geography_level when 'la' then g.region_code when 'region' then {quote(ENGLAND_CODE)}
                   end as parent_code,
                   {", ".join(f"t.{c}" for c in table.counts)}
            from marts.{table.name} as t
            left join {GEO_TABLE} as g on t.geography_level = 'la' and g.la_code = t.geography_code
            where {window_filter(table, window)}
              and ((t.geography_level = 'national' and t.geography_code = {quote(ENGLAND_CODE)})
                   or (t.geography_level = 'region'
                       and t.geography_code in (select region_code from {GEO_TABLE}))
                   or (t.geography_level = 'la' and g.la_code is not null))
        ),
        long as ({unpivot})
        select table_name || '|' || measure_key || '|' || period_type_key || '|' || period_key as cell_group,
               table_name, measure_key, period_type_key, period_key,
               geography_level, geography_code, parent_code, count_name, value
        from long
    """


def build_suppressed_cells(con: duckdb.DuckDBPyConnection, window: Window) -> str:
    """Collect the window's count cells for the whole country and suppress them; returns the table name."""
    union = " union all ".join(f"({_cells_sql(t, window)})" for t in PUBLISHED_TABLES)
    con.execute(f"create or replace temp table {CELLS_TABLE} as {union}")
    row_totals = {t.row_total[0]: t.row_total[1] for t in PUBLISHED_TABLES if t.row_total}
    return suppress_cells(con, CELLS_TABLE, row_totals=row_totals, out=SUPPRESSED_TABLE)


def out_table(table: MartTable) -> str:
    return f"_pub_out_{table.name}"


def _published_sql(table: MartTable, region_code: str) -> str:
    count_columns = []
    for c in table.counts:
        count_columns.append(f"max(value) filter (where count_name = {quote(c)} and not suppressed) as {c}")
        count_columns.append(
            f"coalesce(bool_or(suppressed) filter (where count_name = {quote(c)}), false) as {c}_suppressed"
        )
    rate_hidden = " or ".join(f"p.{c}_suppressed" for c in table.rate.inputs)
    key_join = [
        f"t.{table.period_column} = p.period_key",
        "t.geography_level = p.geography_level",
        "t.geography_code = p.geography_code",
    ]
    if table.measure_column:
        key_join.append(f"t.{table.measure_column} = p.measure_key")
    if table.period_type_column:
        key_join.append(f"t.{table.period_type_column} = p.period_type_key")
    values = []
    for c in table.counts:
        values += [f"p.{c}", f"p.{c}_suppressed"]
    region = quote(region_code)
    return f"""
        with p as (
            select measure_key, period_type_key, period_key, geography_level, geography_code,
                   {", ".join(count_columns)}
            from {SUPPRESSED_TABLE}
            where table_name = {quote(table.name)}
              and (geography_level = 'national'
                   or (geography_level = 'region' and geography_code = {region})
                   or (geography_level = 'la' and parent_code = {region}))
            group by all
        ),
        regions as (select region_code, min(region_name) as region_name from {GEO_TABLE} group by region_code)
        select {", ".join(f"t.{c}" for c in table.leading_columns)},
               t.geography_level,
               t.geography_code,
               case t.geography_level when 'national' then {quote(ENGLAND_NAME)}
                                      when 'region' then r.region_name
                                      else g.la_name end as geography_name,
               {", ".join(values)},
               case when {rate_hidden} then null else t.{table.rate.name} end as {table.rate.name},
               ({rate_hidden}) as {table.rate.name}_suppressed
        from p
        join marts.{table.name} as t on {" and ".join(key_join)}
        left join {GEO_TABLE} as g on t.geography_level = 'la' and g.la_code = t.geography_code
        left join regions as r on t.geography_level = 'region' and r.region_code = t.geography_code
    """


def order_by(table: MartTable) -> str:
    """The published row order: measure, period type, period, then England, the region, the LAs by code."""
    keys = [c for c in (table.measure_column, table.period_type_column) if c]
    return ", ".join(
        [
            *keys,
            table.period_column,
            "case geography_level when 'national' then 0 when 'region' then 1 else 2 end",
            "geography_code",
        ]
    )


def materialise_published(con: duckdb.DuckDBPyConnection, table: MartTable, region_code: str) -> str:
    """One region's published rows of ``table`` as a temp table with exactly ``published_columns(table)``."""
    name = out_table(table)
    con.execute(
        f"create or replace temp table {name} as select * from ({_published_sql(table, region_code)}) "
        f"order by {order_by(table)}"
    )
    actual = tuple(row[0] for row in con.execute(f"select * from {name} limit 0").description)
    expected = published_columns(table)
    if actual != expected:  # pragma: no cover - a programming error in this module
        raise AssertionError(f"{name}: columns {actual} != {expected}")
    return name


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in (CELLS_TABLE, SUPPRESSED_TABLE, GEO_TABLE, *(out_table(t) for t in PUBLISHED_TABLES)):
        con.execute(f"drop table if exists {name}")
