"""Disclosure control on crafted cells (orchestration.publication.suppression): primary and secondary
suppression, cascades through regions and England, row totals."""

from __future__ import annotations

import duckdb
import pytest
from crafted_marts import ENGLAND, LA1, LA2, LA3, LA4, LA5, NE, NW, NW_LA

from orchestration.publication import (
    suppress_cells,
)

# ------------------------------------------------------------------------------------ suppression on crafted cells

CELL_COLUMNS = "cell_group varchar, geography_level varchar, geography_code varchar, parent_code varchar, " \
    "count_name varchar, value bigint"  # fmt: skip


def _suppress(
    cells: list[tuple[str, str, str | None, str, int]],
    row_totals: dict[str, tuple[str, ...]] | None = None,
) -> dict[tuple[str, str, str], bool]:
    """cells: (level, code, parent, count_name, value) in one cell group; returns {(level, code, count): suppressed}."""
    con = duckdb.connect()
    con.execute(f"create table cells ({CELL_COLUMNS})")
    con.executemany("insert into cells values ('g', ?, ?, ?, ?, ?)", [list(c) for c in cells])
    out = suppress_cells(con, "cells", row_totals=row_totals)
    rows = con.execute(f"select geography_level, geography_code, count_name, suppressed from {out}").fetchall()
    con.close()
    return {(level, code, name): hidden for level, code, name, hidden in rows}


def _las(values: dict[str, int], region: str = NE, total: int | None = None, name: str = "n") -> list:
    cells: list[tuple[str, str, str | None, str, int]] = [("la", code, region, name, v) for code, v in values.items()]
    cells.append(("region", region, ENGLAND, name, sum(values.values()) if total is None else total))
    return cells


def _hidden(result: dict[tuple[str, str, str], bool], level: str = "la") -> set[str]:
    return {code for (lvl, code, _), hidden in result.items() if hidden and lvl == level}


def test_primary_suppresses_1_to_4_and_keeps_0_and_5() -> None:
    codes = [f"E0600000{i}" for i in range(1, 8)]
    result = _suppress(_las(dict(zip(codes, [0, 1, 2, 3, 4, 5, 6], strict=True))))
    assert _hidden(result) == set(codes[1:5])
    assert not result[("region", NE, "n")]  # 21


def test_secondary_picks_the_smallest_other_non_zero_la() -> None:
    result = _suppress(_las({LA1: 3, LA2: 0, LA3: 9, LA4: 7, LA5: 8}))
    assert _hidden(result) == {LA1, LA4}
    assert not result[("region", NE, "n")]


def test_secondary_never_picks_a_zero() -> None:
    result = _suppress(_las({LA1: 4, LA2: 0, LA3: 0, LA4: 11}))
    assert _hidden(result) == {LA1, LA4}


def test_secondary_tie_break_is_the_la_code() -> None:
    result = _suppress(_las({LA5: 6, LA1: 2, LA3: 6, LA4: 6}))
    assert _hidden(result) == {LA1, LA3}


def test_no_secondary_when_two_or_more_las_are_suppressed() -> None:
    assert _hidden(_suppress(_las({LA1: 1, LA2: 3, LA3: 10, LA4: 12}))) == {LA1, LA2}
    assert _hidden(_suppress(_las({LA1: 1, LA2: 3, LA3: 4, LA4: 12}))) == {LA1, LA2, LA3}


def test_each_count_column_is_a_separate_cell() -> None:
    cells = _las({LA1: 3, LA2: 8, LA3: 9}, name="numerator") + _las({LA1: 20, LA2: 4, LA3: 6}, name="denominator")
    result = _suppress(cells)
    hidden = {(code, name) for (_, code, name), h in result.items() if h}
    assert hidden == {(LA1, "numerator"), (LA2, "numerator"), (LA2, "denominator"), (LA3, "denominator")}


def test_a_lone_suppressed_la_with_no_other_candidate_takes_the_region() -> None:
    # Z00B is a region with one LA (itself): the region value equals the LA value and is hidden with it.
    single = _suppress([("la", "Z00B", "Z00B", "n", 3), ("region", "Z00B", ENGLAND, "n", 3)])
    assert single[("la", "Z00B", "n")] and single[("region", "Z00B", "n")]
    # All other LAs zero (and a region value that is not 1-4, e.g. an LA missing from the data): region goes.
    others_zero = _suppress(_las({LA1: 3, LA2: 0, LA3: 0}, total=9))
    assert _hidden(others_zero) == {LA1}
    assert others_zero[("region", NE, "n")]


def test_no_more_las_taken_when_the_region_total_is_suppressed_too() -> None:
    result = _suppress(_las({LA1: 3, LA2: 0}, total=3))
    assert _hidden(result) == {LA1}
    assert result[("region", NE, "n")]


def test_regions_within_england_get_the_same_rule_and_it_cascades() -> None:
    cells = [
        ("national", ENGLAND, None, "n", 100),
        *_las({"Z00B": 3}, region="Z00B"),
        *_las({LA1: 15, LA2: 25}, region=NE),
        *_las({NW_LA: 57}, region=NW),
    ]
    result = _suppress(cells)
    # Z00B (3) is primary; NE (40) is the smallest other non-zero region; NE being the only suppressed cell of its
    # own group, its smallest LA (15) goes too. England and NW stay published.
    assert _hidden(result, "region") == {"Z00B", NE}
    assert _hidden(result) == {"Z00B", LA1}
    assert not result[("national", ENGLAND, "n")]


def test_row_totals_are_protected_too() -> None:
    totals = {"new_presentations": ("retained", "not_retained", "pending")}
    row = {"new_presentations": 20, "retained": 3, "not_retained": 10, "pending": 7}
    result = _suppress([("national", ENGLAND, None, name, value) for name, value in row.items()], totals)
    hidden = {name for (_, _, name), h in result.items() if h}
    assert hidden == {"retained", "pending"}  # pending (7) is the smallest other non-zero part


def test_no_total_is_left_with_a_single_suppressed_cell() -> None:
    """Pseudo-random additive data (LA rows a + b + c = t; regions and England the sums): after suppression no
    region, England or row total has exactly one suppressed cell, 1-4 are all suppressed and zeros never are."""
    con = duckdb.connect()
    con.execute(
        """
        create table la as
        select 'g' || g as cell_group, 'R' || r as region, 'R' || r || 'L' || l as la, name,
               (hash(g, r, l, name) % 9)::bigint as value
        from range(6) as gs(g), range(3) as rs(r), range(5) as ls(l), (values ('a'), ('b'), ('c')) as n(name);
        insert into la select cell_group, region, la, 't', sum(value) from la group by all;
        create table cells as
        select cell_group, 'la' as geography_level, la as geography_code, region as parent_code,
               name as count_name, value
        from la
        union all
        select cell_group, 'region', region, 'E92000001', name, sum(value) from la group by all
        union all
        select cell_group, 'national', 'E92000001', null, name, sum(value) from la group by all;
        """
    )
    out = suppress_cells(con, "cells", row_totals={"t": ("a", "b", "c")})
    single, primary_missed, zeros_hidden, secondary = con.execute(
        f"""
        with geo as (
            select cell_group, count_name, parent_code as total_code, suppressed from {out}
            where geography_level in ('la', 'region')
            union all
            select cell_group, count_name, geography_code, suppressed from {out}
            where geography_level in ('region', 'national')
        ),
        constraints as (
            select count(*) filter (where suppressed) as hidden from geo group by cell_group, count_name, total_code
            union all
            select count(*) filter (where suppressed) from {out} group by cell_group, geography_level, geography_code
        )
        select (select count(*) from constraints where hidden = 1),
               (select count(*) from {out} where value between 1 and 4 and not suppressed),
               (select count(*) from {out} where value = 0 and suppressed),
               (select count(*) from {out} where value > 4 and suppressed)
        """
    ).fetchall()[0]
    assert (single, primary_missed, zeros_hidden) == (0, 0, 0)
    assert secondary > 0


def test_suppression_rejects_duplicate_cells() -> None:
    con = duckdb.connect()
    con.execute(f"create table cells ({CELL_COLUMNS})")
    con.execute("insert into cells values ('g', 'la', 'X', 'R', 'n', 1), ('g', 'la', 'X', 'R', 'n', 2)")
    with pytest.raises(ValueError, match="duplicate"):
        suppress_cells(con, "cells")
