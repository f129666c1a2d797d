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

from collections.abc import Sequence

import duckdb

from orchestration.publication.regions import ENGLAND_CODE, ENGLAND_NAME, GEO_TABLE
from orchestration.publication.reporting_window import Window, month_end
from orchestration.publication.sqltext import date_literal, quote
from orchestration.publication.suppression import suppress_cells
from orchestration.publication.tables import (
    ALL_TABLES,
    MartTable,
    published_columns,
    rate_input_sets,
    row_identities,
)

CELLS_TABLE = "_pub_cells"
SUPPRESSED_TABLE = "_pub_suppressed"


def window_filter(table: MartTable, window: Window, alias: str = "t") -> str:
    """SQL predicate: the table's rows inside the window (QS8: the months, plus the financial year of M; rolling
    windows: those ending in the window's months)."""
    last = month_end(window.month) if table.period_column == "period_end" else window.month
    months = f"{alias}.{table.period_column} between {date_literal(window.first_month)} and {date_literal(last)}"
    if table.period_type_column is None:
        return months
    return (
        f"(({alias}.period_type = 'month' and {months}) or ({alias}.period_type = 'financial_year'"
        f" and {alias}.period_start <= {date_literal(window.month)} and {alias}.period_end >= "
        f"{date_literal(window.month)}))"
    )


def _cells_sql(table: MartTable, window: Window) -> str:
    measure = f"t.{table.measure_column}" if table.measure_column else "''"
    period_type = f"t.{table.period_type_column}" if table.period_type_column else "''"
    category = f"'|' || t.{table.category_column}" if table.category_column else "''"
    counts = table.count_names
    # Groups of a category table are published for England and the regions only: at LA level they are mostly
    # tiny, and a suppressed zero among them can be pinned by the groups adding up to the LA's total.
    la_categories = f"and t.{table.category_column} = {quote(table.category_total)}" if table.category_column else ""
    unpivot = " union all ".join(
        f"select {quote(c)} || category as count_name, {c}::bigint as value, * exclude ({', '.join(counts)}, category)"
        f" from base"
        for c in counts
    )
    return f"""
        with base as (
            select {quote(table.name)} as table_name,
                   {measure} as measure_key,
                   {period_type} as period_type_key,
                   t.{table.period_column} as period_key,
                   {category} as category,
                   t.geography_level,
                   t.geography_code,
                   case t.geography_level when 'la' then g.region_code when 'region' then {quote(ENGLAND_CODE)}
                   end as parent_code,
                   {", ".join(f"t.{c}" for c in counts)}
            from marts.{table.name} as t
            left join {GEO_TABLE} as g on t.geography_level = 'la' and g.la_code = t.geography_code
            where {window_filter(table, window)}
              and ((t.geography_level = 'national' and t.geography_code = {quote(ENGLAND_CODE)})
                   or (t.geography_level = 'region'
                       and t.geography_code in (select region_code from {GEO_TABLE}))
                   or (t.geography_level = 'la' and g.la_code is not null {la_categories}))
        ),
        long as ({unpivot})
        select table_name || '|' || measure_key || '|' || period_type_key || '|' || period_key as cell_group,
               table_name, measure_key, period_type_key, period_key,
               geography_level, geography_code, parent_code, count_name, value
        from long
    """


def build_suppressed_cells(con: duckdb.DuckDBPyConnection, window: Window, tables: Sequence[MartTable]) -> str:
    """Collect the window's count cells for the whole country and suppress them; returns the table name."""
    union = " union all ".join(f"({_cells_sql(t, window)})" for t in tables)
    con.execute(f"create or replace temp table {CELLS_TABLE} as {union}")
    identities = [identity for t in tables for identity in row_identities(t)]
    rate_inputs = [inputs for t in tables for inputs in rate_input_sets(t)]
    return suppress_cells(con, CELLS_TABLE, row_totals=identities, rate_inputs=rate_inputs, out=SUPPRESSED_TABLE)


def out_table(table: MartTable) -> str:
    """The temp table holding ``table``'s published rows."""
    return f"_pub_out_{table.name}"


def _pivot_columns_sql(table: MartTable) -> list[str]:
    """Each count back as a column from the suppressed cells: its value when published, and its flag."""
    columns = []
    for c in table.count_names:
        this = f"split_part(count_name, '|', 1) = {quote(c)}"
        columns.append(f"max(value) filter (where {this} and not suppressed) as {c}")
        columns.append(f"coalesce(bool_or(suppressed) filter (where {this}), false) as {c}_suppressed")
    return columns


def _key_join_sql(table: MartTable) -> str:
    """The join of the pivoted cells ``p`` back to their mart row ``t`` on the table's key columns."""
    key_join = [
        f"t.{table.period_column} = p.period_key",
        "t.geography_level = p.geography_level",
        "t.geography_code = p.geography_code",
    ]
    if table.measure_column:
        key_join.append(f"t.{table.measure_column} = p.measure_key")
    if table.period_type_column:
        key_join.append(f"t.{table.period_type_column} = p.period_type_key")
    if table.category_column:
        key_join.append(f"t.{table.category_column} = p.category_key")
    return " and ".join(key_join)


def _published_values_sql(table: MartTable) -> list[str]:
    """The published counts and rates with their flags; a rate is hidden when any of its inputs is."""
    values = []
    for c in table.count_names:
        values += [f"p.{c}", f"p.{c}_suppressed"]
    for rate in table.rates:
        hidden = " or ".join(f"p.{c}_suppressed" for c in rate.inputs)
        values += [
            f"case when {hidden} then null else {rate.published_sql('t')} end as {rate.name}",
            f"({hidden}) as {rate.name}_suppressed",
        ]
    return values


def _published_sql(table: MartTable, region_code: str) -> str:
    region = quote(region_code)
    return f"""
        with p as (
            select measure_key, period_type_key, period_key, geography_level, geography_code,
                   coalesce(split_part(count_name, '|', 2), '') as category_key,
                   {", ".join(_pivot_columns_sql(table))}
            from {SUPPRESSED_TABLE}
            where table_name = {quote(table.name)}
              and (geography_level = 'national'
                   or (geography_level = 'region' and geography_code = {region})
                   or (geography_level = 'la' and parent_code = {region}))
            group by all
        ),
        regions as (select region_code, min(region_name) as region_name from {GEO_TABLE} group by region_code)
        select {", ".join(_leading_sql(table))},
               t.geography_level,
               t.geography_code,
               case t.geography_level when 'national' then {quote(ENGLAND_NAME)}
                                      when 'region' then r.region_name
                                      else g.la_name end as geography_name,
               {", ".join(_published_values_sql(table))}
        from p
        join marts.{table.name} as t on {_key_join_sql(table)}
        left join {GEO_TABLE} as g on t.geography_level = 'la' and g.la_code = t.geography_code
        left join regions as r on t.geography_level = 'region' and r.region_code = t.geography_code
        {_provisional_join(table)}
    """


def _leading_sql(table: MartTable) -> list[str]:
    return [
        "coalesce(n.provisional, false) as provisional" if c.name == "provisional" else f"t.{c.name}"
        for c in table.leading_columns
    ]


def _provisional_join(table: MartTable) -> str:
    if table.provisional_when is None:
        return ""
    return f"""
        left join (
            select {table.period_column} as period_key, {table.provisional_when} as provisional
            from marts.{table.name}
            where geography_level = 'national' and geography_code = {quote(ENGLAND_CODE)}
        ) as n on n.period_key = t.{table.period_column}
    """


def order_by(table: MartTable) -> str:
    """The published row order: measure, period type, period, then England, the region, the LAs by code."""
    keys = [c for c in (table.measure_column, table.period_type_column) if c]
    category = [f"list_position({list(table.categories)}, {table.category_column})"] if table.category_column else []
    return ", ".join(
        [
            *keys,
            table.period_column,
            *category,
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
    """Drop every temp table a publishing run created on ``con``."""
    for name in (CELLS_TABLE, SUPPRESSED_TABLE, GEO_TABLE, *(out_table(t) for t in ALL_TABLES)):
        con.execute(f"drop table if exists {name}")
