"""Compare the ``marts`` schema of two warehouses row for row (a refactor must not change a figure).

    python tests/tools/compare_marts.py BEFORE.duckdb AFTER.duckdb

Checks the same tables, the same columns (names, types, order) and the same multiset of rows (``EXCEPT ALL`` both
ways), leaving out only the time each build ran (``snapshot_info.built_at``). Prints one line per table and exits
1 on any difference."""

from __future__ import annotations

import sys

import duckdb

BUILD_TIME = {"snapshot_info": "built_at"}  # when the build ran: differs between any two builds


def compare(before: str, after: str) -> list[str]:
    """The differences between the two warehouses' marts (empty when they match row for row)."""
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [before])
    con.execute("attach ? as b (read_only)", [after])
    columns = """
        select table_name, list(column_name || ' ' || data_type order by ordinal_position)
        from information_schema.columns where table_catalog = ? and table_schema = 'marts' group by table_name
    """
    a = dict(con.execute(columns, ["a"]).fetchall())
    b = dict(con.execute(columns, ["b"]).fetchall())
    problems = [f"{t}: only in {before}" for t in sorted(a.keys() - b.keys())]
    problems += [f"{t}: only in {after}" for t in sorted(b.keys() - a.keys())]
    for table in sorted(a.keys() & b.keys()):
        if a[table] != b[table]:
            problems.append(f"{table}: columns differ: {a[table]} vs {b[table]}")
            continue
        cols = f"* exclude ({BUILD_TIME[table]})" if table in BUILD_TIME else "*"
        rows, missing, extra = con.execute(
            f"""select (select count(*) from a.marts.{table}),
                       (select count(*) from (select {cols} from a.marts.{table}
                                              except all select {cols} from b.marts.{table})),
                       (select count(*) from (select {cols} from b.marts.{table}
                                              except all select {cols} from a.marts.{table}))"""
        ).fetchone()
        print(f"{table:28} {rows:>8} rows  {'same' if missing == extra == 0 else 'DIFFERENT'}")
        if missing or extra:
            problems.append(f"{table}: {missing} rows only before, {extra} rows only after")
    return problems


if __name__ == "__main__":
    found = compare(sys.argv[1], sys.argv[2])
    print("\n".join(found) if found else "marts identical, row for row")
    sys.exit(1 if found else 0)
