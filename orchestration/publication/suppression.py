"""Disclosure control on long-format count cells, in DuckDB SQL.

Input: a relation (table or view name) of count cells with at least these columns (others pass through):

- ``cell_group``      VARCHAR  one table slice: a measure and a period (cells are compared only within a group)
- ``geography_level`` VARCHAR  ``national`` / ``region`` / ``la``
- ``geography_code``  VARCHAR
- ``parent_code``     VARCHAR  the region of an LA, England (``E92000001``) for a region, NULL for England
- ``count_name``      VARCHAR  the count column (``numerator``, ``retained``, ...): each column is a separate cell
- ``value``           BIGINT

(``cell_group``, ``geography_level``, ``geography_code``, ``count_name``) must be unique.

Output: a temp table with the input columns plus ``suppressed`` BOOLEAN (the caller publishes NULL for it).
The rules (see the package docstring for the reasoning):

1. Primary: a value from 1 to 4 is suppressed. Zeros (and values of 5 or more) are not.
2. Secondary, one rule for every *constraint* ("a total and the parts that add up to it"):
   - geography constraints: a region cell (total) and its LAs' cells (parts); England (total) and the regions
     (parts), per cell group and count column;
   - row constraints (optional, ``row_totals``): within one row, a total column and its part columns, e.g.
     ``new_presentations = retained + not_retained + pending``.

   A constraint *needs protection* when exactly one of its cells (total or part) is suppressed: that cell could
   be recovered by subtraction or addition. It is protected by suppressing its smallest non-zero unsuppressed part
   (ties: geography code, then count column name); when no such part exists, its total (if non-zero and not yet
   suppressed). When the total is missing from the cells (no region row), the parts alone form the constraint.
   The rule is applied to all constraints at once, repeatedly, until nothing changes (each pass only adds
   suppression, so it ends), because a secondary suppression can leave another constraint with a single
   suppressed cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

PRIMARY_MIN = 1
PRIMARY_MAX = 4

_REQUIRED_COLUMNS = ("cell_group", "geography_level", "geography_code", "parent_code", "count_name", "value")


class SuppressionError(ValueError):
    """The cells given to the suppression are not usable (missing columns, duplicate cells)."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_input(con: duckdb.DuckDBPyConnection, cells: str) -> None:
    columns = {row[0] for row in con.execute(f"select * from {cells} limit 0").description}
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise SuppressionError(f"cells relation {cells} lacks column(s): {', '.join(missing)}")
    duplicates = con.execute(
        f"""
        select count(*) from (
            select 1 from {cells}
            group by cell_group, geography_level, geography_code, count_name
            having count(*) > 1
        )
        """
    ).fetchall()[0][0]
    if duplicates:
        raise SuppressionError(f"cells relation {cells} has {duplicates} duplicate cell(s)")


def _row_constraint_sql(out: str, row_totals: Mapping[str, Sequence[str]]) -> str:
    parts_sql = []
    for total, parts in sorted(row_totals.items()):
        names = ", ".join(_quote(n) for n in (total, *parts))
        parts_sql.append(
            f"""
            select 'row|' || cell_group || '|' || geography_level || '|' || geography_code || '|' || {_quote(total)},
                   case when count_name = {_quote(total)} then 'total' else 'part' end,
                   _cell_id
            from {out}
            where count_name in ({names})
              and cell_group in (select cell_group from {out} where count_name = {_quote(total)})
            """
        )
    return " union all ".join(parts_sql)


def suppress_cells(
    con: duckdb.DuckDBPyConnection,
    cells: str,
    *,
    row_totals: Mapping[str, Sequence[str]] | None = None,
    out: str = "_pub_suppressed",
) -> str:
    """Apply primary and secondary suppression to the cells in relation ``cells``; return the output table name.

    The output is a temp table ``out`` (replaced if it exists) with every input column plus ``_cell_id`` and
    ``suppressed``. Values are left in place: the publishing step turns suppressed values into NULL.
    """
    _check_input(con, cells)
    members = f"{out}_members"
    con.execute(
        f"""
        create or replace temp table {out} as
        select row_number() over (order by cell_group, geography_level, geography_code, count_name) as _cell_id,
               c.*,
               coalesce(c.value between {PRIMARY_MIN} and {PRIMARY_MAX}, false) as suppressed
        from {cells} as c
        """
    )
    # Constraint membership: geography (total = the parent's cell, parts = its children) and rows.
    geography_sql = f"""
        select 'geo|' || cell_group || '|' || count_name || '|'
                   || case geography_level when 'la' then 'region' when 'region' then 'national' end
                   || '|' || parent_code,
               'part', _cell_id
        from {out}
        where parent_code is not null and geography_level in ('la', 'region')
        union all
        select 'geo|' || cell_group || '|' || count_name || '|' || geography_level || '|' || geography_code,
               'total', _cell_id
        from {out}
        where geography_level in ('region', 'national')
    """
    row_sql = _row_constraint_sql(out, row_totals) if row_totals else ""
    con.execute(
        f"""
        create or replace temp table {members} (constraint_id varchar, role varchar, _cell_id bigint);
        insert into {members} {geography_sql} {"union all " + row_sql if row_sql else ""};
        """
    )
    protect_pass = f"""
        update {out} set suppressed = true
        where _cell_id in (
            with m as (
                select k.constraint_id, k.role, c._cell_id, c.value, c.suppressed, c.geography_code, c.count_name
                from {members} as k join {out} as c using (_cell_id)
            ),
            needy as (
                select constraint_id
                from m
                group by constraint_id
                having count(*) filter (where suppressed) = 1
            ),
            candidates as (
                select m._cell_id,
                       row_number() over (
                           partition by m.constraint_id
                           order by m.role = 'total', m.value, m.geography_code, m.count_name
                       ) as pick
                from m join needy using (constraint_id)
                where not m.suppressed and m.value > 0
            )
            select _cell_id from candidates where pick = 1
        )
    """
    # Each pass only adds suppressed cells, so this ends after at most one pass per cell.
    while con.execute(protect_pass).fetchall()[0][0]:
        pass
    con.execute(f"drop table if exists {members}")
    return out
