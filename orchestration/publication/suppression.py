"""Disclosure control on long-format count cells, in DuckDB SQL: primary and secondary suppression.

Input: a relation (table or view name) of count cells with at least these columns (others pass through):

- ``cell_group``      VARCHAR  one table slice: a measure and a period (cells are compared only within a group)
- ``geography_level`` VARCHAR  ``national`` / ``region`` / ``la``
- ``geography_code``  VARCHAR
- ``parent_code``     VARCHAR  the region of an LA, England (``E92000001``) for a region, NULL for England
- ``count_name``      VARCHAR  the count column (``numerator``, ``retained``, ...): each column is a separate cell
- ``value``           BIGINT

(``cell_group``, ``geography_level``, ``geography_code``, ``count_name``) must be unique.

Output: a temp table with the input columns plus ``suppressed`` BOOLEAN (the caller publishes NULL for it).
The rules and their reasoning: ``docs/disclosure-control.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from orchestration.publication.audit import determined_cells
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


def _row_constraint_sql(out: str, row_totals: Sequence[tuple[str, Sequence[str]]]) -> str:
    parts_sql = []
    for i, (total, parts) in enumerate(row_totals):
        names = ", ".join(quote(n) for n in (total, *parts))
        part_names = ", ".join(quote(n) for n in parts)
        parts_sql.append(
            f"""
            select cell_group,
                   'row{i}|' || cell_group || '|' || geography_level || '|' || geography_code,
                   2,
                   case geography_level when 'la' then parent_code when 'region' then geography_code
                        else 'national' end,
                   case when count_name = {quote(total)} then 'total' else 'part' end,
                   _cell_id
            from {out}
            where count_name in ({names})
              and cell_group in (select cell_group from {out} where count_name = {quote(total)})
              and cell_group in (select cell_group from {out} where count_name in ({part_names}))
            """
        )
    return " union all ".join(parts_sql)


def _rate_zero_pass(out: str, rate_inputs: Sequence[Sequence[str]]) -> str:
    """SQL: suppress the zeros among a rate's inputs in every row where another of its inputs is suppressed."""
    sets = " union all ".join(
        f"select {i} as set_id, {quote(name)} as count_name" for i, names in enumerate(rate_inputs) for name in names
    )
    return f"""
        update {out} set suppressed = true
        where _cell_id in (
            with sets as ({sets}),
            members as (
                select s.set_id, c._cell_id, c.value, c.suppressed, c.cell_group, c.geography_level, c.geography_code
                from {out} as c join sets as s using (count_name)
            ),
            exposed as (
                select set_id, cell_group, geography_level, geography_code
                from members
                group by all
                having bool_or(suppressed) and bool_or(value = 0 and not suppressed)
            )
            select m._cell_id
            from members as m join exposed using (set_id, cell_group, geography_level, geography_code)
            where m.value = 0 and not m.suppressed
        )
    """


def _partners(identities: Sequence[tuple[str, Sequence[str]]]) -> list[tuple[str, str]]:
    """(count, another part of the same identity) for counts that are a part in exactly one identity."""
    part_of: dict[str, list[Sequence[str]]] = {}
    for _, parts in identities:
        for p in parts:
            part_of.setdefault(p, []).append(parts)
    return [(p, q) for p, groups in sorted(part_of.items()) if len(groups) == 1 for q in groups[0] if q != p]


def _zero_cover_options_sql(out: str) -> str:
    """SQL CTEs ending in ``options``: every way to cover each suppressed zero ``zid``: a sibling ``sid`` with,
    where the zero's column has a partner (CTE ``pairs``), the partner cells ``pid`` (same area) and ``spid``
    (sibling), each with its value and whether it is already suppressed."""
    return f"""
            z as (
                select * from {out}
                where suppressed and value = 0 and geography_level in ('la', 'region') and parent_code is not null
            ),
            siblings as (
                select z._cell_id as zid, s._cell_id as sid, s.geography_code as scode, s.value as sval,
                       s.suppressed as s_sup
                from z join {out} as s
                  on s.cell_group = z.cell_group and s.geography_level = z.geography_level
                 and s.parent_code = z.parent_code and s.count_name = z.count_name
                 and s.geography_code <> z.geography_code
                where s.value > 0
            ),
            corners as (  -- with a partner column: (i, c'), (j, c), (j, c')
                select z._cell_id as zid, pc._cell_id as pid, pc.suppressed as p_sup, pc.value as pval,
                       sb.sid, sb.s_sup, sb.sval, sp._cell_id as spid, sp.suppressed as sp_sup
                from z
                join pairs on pairs.count_name = z.count_name
                join {out} as pc
                  on pc.cell_group = z.cell_group and pc.geography_level = z.geography_level
                 and pc.geography_code = z.geography_code and pc.count_name = pairs.partner and pc.value > 0
                join siblings as sb on sb.zid = z._cell_id
                join {out} as sp
                  on sp.cell_group = z.cell_group and sp.geography_level = z.geography_level
                 and sp.geography_code = sb.scode and sp.count_name = pairs.partner
            ),
            lone as (  -- no partner column: the sibling alone
                select sb.zid, null::bigint as pid, true as p_sup, 0 as pval, sb.sid, sb.s_sup, sb.sval,
                       null::bigint as spid, true as sp_sup
                from siblings as sb join z on z._cell_id = sb.zid
                where z.count_name not in (select count_name from pairs)
            ),
            options as (select * from corners union all select * from lone)
    """


def _zero_cover_sql(out: str, partners: Sequence[tuple[str, str]]) -> str:
    """SQL: give every suppressed zero (LA or region) room to move, so that it cannot be pinned to 0 by counts
    never being negative. A zero z at area i, column c is covered by a sibling area j (same parent) and, when c is
    a part of a row identity, a partner column c' of that identity, with (i, c'), (j, c) and (j, c') suppressed and
    (i, c'), (j, c) non-zero: then z + 1, (i, c') − 1, (j, c) − 1, (j, c') + 1 is as consistent with everything
    published as the truth. Without a partner column the sibling alone covers it. When not yet covered, the corner
    cells of the best option (most already suppressed, then smallest values) are suppressed."""
    pairs = " union all ".join(f"select {quote(p)} as count_name, {quote(q)} as partner" for p, q in partners)
    pairs_sql = pairs or "select null::varchar as count_name, null::varchar as partner where false"
    return f"""
        update {out} set suppressed = true
        where not suppressed and _cell_id in (
            with pairs as ({pairs_sql}),
            {_zero_cover_options_sql(out)},
            uncovered as (
                select * from options
                where zid not in (select zid from options where p_sup and s_sup and sp_sup)
            ),
            best as (
                select *, row_number() over (
                    partition by zid order by p_sup::int + s_sup::int + sp_sup::int desc, pval + sval, sid, pid
                ) as k
                from uncovered
            )
            select unnest([pid, sid, spid]) from best where k = 1
        )
    """


def _protect_determined_sql(out: str, members: str, determined: str) -> str:
    """SQL: for each suppressed cell the audit found determined, suppress one more cell of its constraints: the
    smallest non-zero published part (else a total, else a zero)."""
    return f"""
        update {out} set suppressed = true
        where _cell_id in (
            with candidates as (
                select d._cell_id as target, c._cell_id,
                       row_number() over (
                           partition by d._cell_id
                           order by c.value = 0, k2.role = 'total', c.value, c.geography_code, c.count_name
                       ) as pick
                from {determined} as d
                join {members} as k1 on k1._cell_id = d._cell_id
                join {members} as k2 on k2.constraint_id = k1.constraint_id
                join {out} as c on c._cell_id = k2._cell_id
                where not c.suppressed
            )
            select _cell_id from candidates where pick = 1
        )
    """


def suppress_cells(
    con: duckdb.DuckDBPyConnection,
    cells: str,
    *,
    row_totals: Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]] | None = None,
    rate_inputs: Sequence[Sequence[str]] = (),
    out: str = "_pub_suppressed",
) -> str:
    """Apply primary and secondary suppression to the cells in relation ``cells``; return the output table name.

    The output is a temp table ``out`` (replaced if it exists) with every input column plus ``_cell_id`` and
    ``suppressed``. Values are left in place: the publishing step turns suppressed values into NULL.
    """
    _check_input(con, cells)
    members = f"{out}_members"
    identities = sorted(row_totals.items()) if isinstance(row_totals, Mapping) else list(row_totals or ())
    _primary(con, cells, out)
    _constraint_members(con, out, members, identities)
    protect_pass = _protect_sql(out, members)
    rate_pass = _rate_zero_pass(out, rate_inputs) if rate_inputs else None
    cover_pass = _zero_cover_sql(out, _partners(identities))
    # Each pass only adds suppressed cells, so these loops end after at most one pass per cell.
    while True:
        while True:
            changed = con.execute(rate_pass).fetchall()[0][0] if rate_pass else 0
            changed += con.execute(protect_pass).fetchall()[0][0]
            changed += con.execute(cover_pass).fetchall()[0][0]
            if not changed:
                break
        determined = determined_cells(con, out, members)
        if not con.execute(_protect_determined_sql(out, members, determined)).fetchall()[0][0]:
            break
    con.execute(f"drop table if exists {members}")
    con.execute(f"drop table if exists {determined}")
    return out


def _primary(con: duckdb.DuckDBPyConnection, cells: str, out: str) -> None:
    """Number the cells and mark the primary suppressions (values 1 to 4)."""
    con.execute(
        f"""
        create or replace temp table {out} as
        select row_number() over (order by cell_group, geography_level, geography_code, count_name) as _cell_id,
               c.*,
               coalesce(c.value between {PRIMARY_MIN} and {PRIMARY_MAX}, false) as suppressed
        from {cells} as c
        """
    )


def _constraint_members(
    con: duckdb.DuckDBPyConnection, out: str, members: str, identities: Sequence[tuple[str, Sequence[str]]]
) -> None:
    """Every constraint a reader knows, as its member cells: geography (total = the parent's cell, parts = its
    children) and the row identities."""
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
    row_sql = _row_constraint_sql(out, identities) if identities else ""
    con.execute(
        f"""
        create or replace temp table {members} (
            cell_group varchar, constraint_id varchar, priority integer, area varchar, role varchar, _cell_id bigint
        );
        insert into {members} {geography_sql} {"union all " + row_sql if row_sql else ""};
        """
    )


def _protect_sql(out: str, members: str) -> str:
    """One pass of secondary suppression: each constraint left with a single suppressed cell (or whose suppressed
    parts sum to no more than their count) gets one more, the smallest other non-zero part, else its total; one
    constraint per cell group and area at a time, in priority order."""
    return f"""
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
                    or (count(*) filter (where suppressed and role = 'total') = 0
                        and count(*) filter (where role = 'total') = 1
                        and count(*) filter (where suppressed) > 0
                        and sum(value) filter (where suppressed) <= count(*) filter (where suppressed))
            ),
            candidates as (
                select m.cell_group, m.constraint_id, m.priority, m.area, m._cell_id,
                       row_number() over (
                           partition by m.constraint_id
                           order by m.role = 'total', m.value, m.geography_code, m.count_name
                       ) as pick
                from m join needy using (constraint_id)
                where not m.suppressed and (m.value > 0 or m.role = 'total')
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
