"""Crafted marts for the publication tests (packs, disclosure, browser): geography codes and months (North East
and North West LAs of the seed), the marts DDL and make_marts, which fills them with known figures."""

from __future__ import annotations

import re
from datetime import date

import duckdb

ENGLAND = "E92000001"
NE = "E12000001"  # North East: E06000001..E06000005 among its LAs
NW = "E12000002"  # North West: E06000006 among its LAs
LA1, LA2, LA3, LA4, LA5 = "E06000001", "E06000002", "E06000003", "E06000004", "E06000005"
NW_LA = "E06000006"
JUNE, MAY = date(2025, 6, 1), date(2025, 5, 1)
ATTRIBUTOR_LIKE = re.compile(r"client_?key|client_?id|dob|finitial|sinitial|episode_?key", re.IGNORECASE)

# the marts tables the packs read, as crafted test data fills them
MARTS_DDL = """
create schema marts;
create table marts.qs8_measures (period_type varchar, period_start date, period_end date, complete boolean,
    geography_level varchar, geography_code varchar, measure varchar, numerator bigint, denominator bigint,
    rate double);
create table marts.retention_3_months (cohort_month date, geography_level varchar, geography_code varchar,
    new_presentations bigint, retained bigint, not_retained bigint, pending bigint, retention_rate double);
create table marts.transfer_outcomes (month date, geography_level varchar, geography_code varchar,
    transfers bigint, picked_up bigint, lost bigint, pending bigint, pickup_rate double);
create table marts.nice_concordance (cohort_month date, geography_level varchar, geography_code varchar,
    journeys_with_psychosocial bigint, second_line_first bigint, share double);
"""


# -------------------------------------------------------------------------------------------- crafted marts

# (numerator, denominator) per geography for qs8 month cells
QS8 = {
    ("qs8a", JUNE): {LA1: (3, 20), LA2: (0, 10), LA3: (7, 30), LA4: (6, 25), LA5: (6, 40), NW_LA: (50, 200)},
    ("qs8b", JUNE): {LA1: (2, 4), LA2: (5, 9), LA3: (8, 12), LA4: (0, 6), LA5: (10, 15), NW_LA: (20, 60)},
    ("qs8a", MAY): {LA1: (1, 20), LA2: (4, 10), LA3: (9, 30), LA4: (12, 25), LA5: (0, 40), NW_LA: (40, 200)},
    ("qs8b", MAY): {LA1: (5, 9), LA2: (6, 9), LA3: (7, 9), LA4: (8, 9), LA5: (9, 9), NW_LA: (20, 60)},
}


def _qs8_rows() -> list[tuple]:
    rows = []
    for (measure, month), by_la in QS8.items():
        end = date(month.year, month.month + 1, 1).replace(day=1)
        end = date.fromordinal(end.toordinal() - 1)
        regions: dict[str, list[int]] = {NE: [0, 0], NW: [0, 0]}
        for la, (num, den) in by_la.items():
            region = NW if la == NW_LA else NE
            regions[region][0] += num
            regions[region][1] += den
            rows.append(("month", month, end, True, "la", la, measure, num, den, num / den))
            rows.append(("month", month, end, True, "provider", f"P{la[-2:]}", measure, num, den, num / den))
        for region, (num, den) in regions.items():
            rows.append(("month", month, end, True, "region", region, measure, num, den, num / den))
        rows.append(("month", month, end, True, "national", ENGLAND, measure, 1000, 5000, 0.2))
    # an old month outside a 2-month window, and the financial year 2025-26 (incomplete)
    rows.append(("month", date(2025, 3, 1), date(2025, 3, 31), True, "la", LA1, "qs8a", 2, 30, 2 / 30))
    rows.append(("month", date(2025, 3, 1), date(2025, 3, 31), True, "national", ENGLAND, "qs8a", 900, 5000, 0.18))
    for measure in ("qs8a", "qs8b"):
        rows.append(("financial_year", date(2025, 4, 1), date(2026, 3, 31), False, "la", LA1, measure, 30, 90, 1 / 3))
        rows.append(
            ("financial_year", date(2025, 4, 1), date(2026, 3, 31), False, "region", NE, measure, 30, 90, 1 / 3)
        )
        rows.append(
            ("financial_year", date(2025, 4, 1), date(2026, 3, 31), False, "national", ENGLAND, measure, 90, 300, 0.3)
        )
    return rows


def make_marts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MARTS_DDL)
    con.executemany("insert into marts.qs8_measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _qs8_rows())
    # retention, cohort May: LA1's row has retained = 3 (row rule and LA rule both apply)
    con.execute(
        f"""
        insert into marts.retention_3_months values
            (date '2025-05-01', 'national', '{ENGLAND}', 500, 200, 100, 200, 200 / 300),
            (date '2025-05-01', 'region', '{NE}', 70, 28, 22, 20, 28 / 50),
            (date '2025-05-01', 'la', '{LA1}', 20, 3, 10, 7, 3 / 13),
            (date '2025-05-01', 'la', '{LA2}', 50, 25, 12, 13, 25 / 37),
            (date '2025-05-01', 'provider', 'P01', 20, 3, 10, 7, 3 / 13)
        """
    )
    con.execute(
        f"""
        insert into marts.transfer_outcomes values
            (date '2025-06-01', 'national', '{ENGLAND}', 100, 80, 10, 10, 80 / 90),
            (date '2025-06-01', 'region', '{NE}', 30, 20, 0, 10, 1.0),
            (date '2025-06-01', 'la', '{LA1}', 30, 20, 0, 10, 1.0)
        """
    )
    con.execute(
        f"""
        insert into marts.nice_concordance values
            (date '2025-06-01', 'national', '{ENGLAND}', 400, 40, 0.1),
            (date '2025-06-01', 'region', '{NE}', 0, 0, null),
            (date '2025-06-01', 'la', '{LA1}', 0, 0, null)
        """
    )
