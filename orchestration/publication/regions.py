"""Reference geography for the packs: which LAs make up each region (``seeds/la_regions.csv``)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.settings import LA_REGIONS_CSV

ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
DEFAULT_LA_REGIONS = LA_REGIONS_CSV
GEO_TABLE = "_pub_geo"


def load_geography(con: duckdb.DuckDBPyConnection, la_regions_csv: Path | None = None) -> str:
    """Load the LA → region lookup into a temp table (columns la_code, la_name, region_code, region_name)."""
    con.execute(
        f"""
        create or replace temp table {GEO_TABLE} as
        select la_code, la_name, region_code, region_name
        from read_csv($path, header = true, all_varchar = true)
        """,
        {"path": str(la_regions_csv or DEFAULT_LA_REGIONS)},
    )
    return GEO_TABLE


def region_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every region in the reference data, in code order."""
    return [r[0] for r in con.execute(f"select distinct region_code from {GEO_TABLE} order by 1").fetchall()]


def region_name(con: duckdb.DuckDBPyConnection, region_code: str) -> str | None:
    """The region's name in the reference data, or None."""
    rows = con.execute(f"select min(region_name) from {GEO_TABLE} where region_code = ?", [region_code]).fetchall()
    return rows[0][0]


def la_names(con: duckdb.DuckDBPyConnection, region_code: str) -> dict[str, str]:
    """The region's LAs: code → name, in code order."""
    rows = con.execute(
        f"select la_code, la_name from {GEO_TABLE} where region_code = ? order by la_code", [region_code]
    ).fetchall()
    return {code: name for code, name in rows}
