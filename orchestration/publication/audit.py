"""Exact audit of a suppression pattern, in DuckDB SQL: which suppressed cells can be worked out by combining
published totals?

The "no constraint with a single suppressed cell" rules do not stop every derivation: several constraints, none
of them with a single suppressed cell, can together pin a cell down (for example two rows and two columns of a
region's table with a zero in between). A reader who knows the constraints has a linear system: for each
constraint, (total − sum of parts) over the suppressed cells = a number computed from the published cells. A
suppressed cell is *determined* exactly when its unit vector lies in the row space of that system. This module
brings the system of every cell group to reduced row echelon form by Gaussian elimination written as set-based
SQL (all groups at once, and within a group every pivot whose elimination does not interfere with another's in
the same step), then reads off the determined cells: in reduced row
echelon form a variable is determined exactly when the row of its pivot has no other non-zero entry.

Coefficients are DOUBLE with a tolerance (the systems are small, with entries 0/±1 at the start).
"""

from __future__ import annotations

import duckdb

TOLERANCE = 1e-9


def determined_cells(con: duckdb.DuckDBPyConnection, cells: str, members: str) -> str:
    """Return a temp table name holding ``_cell_id`` of every suppressed cell the constraints determine.

    ``cells``: the suppression table (``_cell_id``, ``cell_group``, ``suppressed``); ``members``: the constraint
    membership (``cell_group``, ``constraint_id``, ``role`` total/part, ``_cell_id``).
    """
    matrix, pivots, result = f"{cells}_audit_m", f"{cells}_audit_p", f"{cells}_determined"
    _build_matrix(con, cells, members, matrix, pivots)
    while _choose_pivots(con, matrix, pivots):
        _eliminate(con, matrix, pivots)
    _read_determined(con, matrix, pivots, result)
    return result


def _build_matrix(con: duckdb.DuckDBPyConnection, cells: str, members: str, matrix: str, pivots: str) -> None:
    """The linear system over the suppressed cells (one row per constraint) and an empty pivot table."""
    con.execute(
        f"""
        create or replace temp table {matrix} as
        select cell_group, dense_rank() over (order by constraint_id) as row_id, col_id, coef
        from (
            select k.cell_group, k.constraint_id, k._cell_id as col_id,
                   sum(case k.role when 'total' then 1.0 else -1.0 end) as coef
            from {members} as k join {cells} as c using (_cell_id)
            where c.suppressed
              and k.constraint_id in (  -- an equation needs its total and at least one part
                  select constraint_id from {members} group by constraint_id
                  having bool_or(role = 'total') and bool_or(role = 'part')
              )
            group by all
        );
        create or replace temp table {pivots} (cell_group varchar, row_id bigint, col_id bigint);
        """
    )


def _choose_pivots(con: duckdb.DuckDBPyConnection, matrix: str, pivots: str) -> int:
    """Pivots of this step, per cell group: each live row (not yet a pivot row) offers its first live column
    (not yet a pivot column); one row per column (the largest coefficient). Offers whose row has no entry in
    another offered column are taken together, since their eliminations do not interfere; a group with no such
    offer takes its first offer alone. Returns how many were chosen (0: the system is reduced)."""
    return con.execute(
        f"""
        create or replace temp table {matrix}_chosen as
        with live as (
            select m.* from {matrix} as m
            where abs(m.coef) > {TOLERANCE}
              and m.row_id not in (select row_id from {pivots})
              and not exists (select 1 from {pivots} as p where p.cell_group = m.cell_group
                              and p.col_id = m.col_id)
        ),
        firsts as (select cell_group, row_id, min(col_id) as col_id from live group by all),
        offers as (
            select * from (
                select l.*, row_number() over (
                    partition by l.cell_group, l.col_id order by abs(l.coef) desc, l.row_id
                ) as k
                from firsts as f join live as l using (cell_group, row_id, col_id)
            )
            where k = 1
        ),
        clean as (
            select o.* from offers as o
            where not exists (
                select 1 from live as l join offers as other
                  on l.cell_group = other.cell_group and l.col_id = other.col_id
                where l.cell_group = o.cell_group and l.row_id = o.row_id and other.col_id <> o.col_id
            )
        ),
        fallback as (
            select * from (
                select o.*, row_number() over (partition by o.cell_group order by o.col_id) as n from offers as o
            )
            where n = 1 and cell_group not in (select cell_group from clean)
        )
        select cell_group, row_id, col_id, coef from clean
        union all
        select cell_group, row_id, col_id, coef from fallback
        """
    ).fetchall()[0][0]  # type: ignore[no-any-return]


def _eliminate(con: duckdb.DuckDBPyConnection, matrix: str, pivots: str) -> None:
    """Record the chosen pivots, scale their rows so each pivot is 1 and clear their columns from every other row."""
    con.execute(
        f"""
        insert into {pivots} select cell_group, row_id, col_id from {matrix}_chosen;
        create or replace temp table {matrix} as
        with pivot_rows as (  -- the pivot rows, scaled so that each pivot is 1
            select m.cell_group, p.row_id as pivot_row_id, m.col_id, m.coef / p.coef as coef
            from {matrix} as m join {matrix}_chosen as p on m.cell_group = p.cell_group and m.row_id = p.row_id
        ),
        factor as (  -- every other row with an entry in a pivot column
            select m.cell_group, m.row_id, p.row_id as pivot_row_id, m.coef as f
            from {matrix} as m join {matrix}_chosen as p
              on m.cell_group = p.cell_group and m.col_id = p.col_id and m.row_id <> p.row_id
            where abs(m.coef) > {TOLERANCE}
        ),
        affected as (select distinct cell_group, row_id from factor),
        untouched as (
            select m.* from {matrix} as m
            where not exists (select 1 from affected as a where a.cell_group = m.cell_group
                              and a.row_id = m.row_id)
              and m.row_id not in (select row_id from {matrix}_chosen)
        ),
        eliminated as (
            select cell_group, row_id, col_id, sum(coef) as coef
            from (
                select m.cell_group, m.row_id, m.col_id, m.coef
                from {matrix} as m join affected using (cell_group, row_id)
                union all
                select f.cell_group, f.row_id, r.col_id, -f.f * r.coef
                from factor as f join pivot_rows as r using (cell_group, pivot_row_id)
            )
            group by all
            having abs(sum(coef)) > {TOLERANCE}
        )
        select * from untouched
        union all
        select cell_group, pivot_row_id, col_id, coef from pivot_rows
        union all
        select * from eliminated
        """
    )


def _read_determined(con: duckdb.DuckDBPyConnection, matrix: str, pivots: str, result: str) -> None:
    """In reduced row echelon form a cell is determined when its pivot row has no other non-zero entry."""
    con.execute(
        f"""
        create or replace temp table {result} as
        select p.col_id as _cell_id
        from {pivots} as p join {matrix} as m on m.cell_group = p.cell_group and m.row_id = p.row_id
        group by p.col_id
        having count(*) filter (where abs(m.coef) > {TOLERANCE}) = 1;
        drop table if exists {matrix};
        drop table if exists {matrix}_chosen;
        drop table if exists {pivots};
        """
    )
