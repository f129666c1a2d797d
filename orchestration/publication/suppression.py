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
   Order: within a cell group (groups are independent and handled side by side), constraints are protected one
   at a time in the order LAs within a region, rows, regions within England (then constraint id), re-checking
   after every suppression, because a suppression made for one constraint often protects another too (fewer
   cells are lost than when every needy constraint is protected at once), and can also leave another constraint
   with a single suppressed cell. For speed, each pass protects one constraint per region at once (LA and row
   constraints of different regions share no cell, so this gives the same result as strictly one at a time), and
   a regions-within-England constraint only in a pass with nothing else to do. Each pass adds at least one cell,
   so it ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from orchestration.publication.sqltext import quote

PRIMARY_MIN = 1
PRIMARY_MAX = 4

_REQUIRED_COLUMNS = ("cell_group", "geography_level", "geography_code", "parent_code", "count_name", "value")


class SuppressionError(ValueError):
    """The cells given to the suppression are not usable (missing columns, duplicate cells)."""


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
        names = ", ".join(quote(n) for n in (total, *parts))
        parts_sql.append(
            f"""
            select cell_group,
                   'row|' || cell_group || '|' || geography_level || '|' || geography_code || '|' || {quote(total)},
                   2,
                   case geography_level when 'la' then parent_code when 'region' then geography_code
                        else 'national' end,
                   case when count_name = {quote(total)} then 'total' else 'part' end,
                   _cell_id
            from {out}
            where count_name in ({names})
              and cell_group in (select cell_group from {out} where count_name = {quote(total)})
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
    # priority: the order of the kinds of constraint (1 LAs within a region, 2 rows, 3 regions within England);
    # area: constraints of different areas share no cell while priorities 1 and 2 are being worked on.
    geography_sql = f"""
        select cell_group,
               'geo|' || cell_group || '|' || count_name || '|'
                   || case geography_level when 'la' then 'region' when 'region' then 'national' end
                   || '|' || parent_code,
               case geography_level when 'la' then 1 else 3 end,
               case geography_level when 'la' then parent_code else 'national' end,
               'part', _cell_id
        from {out}
        where parent_code is not null and geography_level in ('la', 'region')
        union all
        select cell_group,
               'geo|' || cell_group || '|' || count_name || '|' || geography_level || '|' || geography_code,
               case geography_level when 'region' then 1 else 3 end,
               case geography_level when 'region' then geography_code else 'national' end,
               'total', _cell_id
        from {out}
        where geography_level in ('region', 'national')
    """
    row_sql = _row_constraint_sql(out, row_totals) if row_totals else ""
    con.execute(
        f"""
        create or replace temp table {members} (
            cell_group varchar, constraint_id varchar, priority integer, area varchar, role varchar, _cell_id bigint
        );
        insert into {members} {geography_sql} {"union all " + row_sql if row_sql else ""};
        """
    )
    protect_pass = f"""
        update {out} set suppressed = true
        where _cell_id in (
            with m as (
                select k.cell_group, k.constraint_id, k.priority, k.area, k.role,
                       c._cell_id, c.value, c.suppressed, c.geography_code, c.count_name
                from {members} as k join {out} as c using (_cell_id)
            ),
            needy as (
                select constraint_id
                from m
                group by constraint_id
                having count(*) filter (where suppressed) = 1
            ),
            candidates as (
                select m.cell_group, m.constraint_id, m.priority, m.area, m._cell_id,
                       row_number() over (
                           partition by m.constraint_id
                           order by m.role = 'total', m.value, m.geography_code, m.count_name
                       ) as pick
                from m join needy using (constraint_id)
                where not m.suppressed and m.value > 0
            ),
            firsts as (
                select _cell_id, cell_group, priority,
                       row_number() over (partition by cell_group, area order by priority, constraint_id) as turn
                from candidates
                where pick = 1
            ),
            chosen as (
                select _cell_id, priority, min(priority) over (partition by cell_group) as first_priority
                from firsts
                where turn = 1
            )
            select _cell_id from chosen where priority < 3 or first_priority = 3
        )
    """
    # Each pass only adds suppressed cells, so this ends after at most one pass per cell.
    while con.execute(protect_pass).fetchall()[0][0]:
        pass
    con.execute(f"drop table if exists {members}")
    return out
