"""QS8 measures, QS8 structure and NICE concordance, built for real by dbt on a crafted warehouse.

One DuckDB warehouse per module run (sources created by ``orchestration.warehouse.connect``, accepted submissions
and raw rows inserted with SQL, as the ingest and gate steps would), one ``dbt build`` of the QS8 / concordance
models and everything upstream of them (seeds, staging, core intermediates; unit tests and data tests included),
then exact checks of ``marts.qs8_measures``, ``marts.qs8_structure`` and ``marts.nice_concordance`` against
answers computed by hand below.

Scenario (as_of = 2024-05-31, the last day of the latest accepted reporting month). Providers PA and PB.
LA1 = E06000001 (region R1 = E12000001), LA6 = E06000006 (region R2 = E12000002), Z00B (region Z00B).

  client  episode  LA     TRIAGED     DISD        DEPANX MHPSYTX  sub-interventions [SUBST, effective end]
  C1      PA:E1    LA1    2024-03-10  open        Y      N        PSYCNMG [03-25, 04-05]; PSYMNTH [04-10, as_of]
  C1      PB:E1    LA6    2024-04-15  open        Y      N        PSYCGBH [04-20, 04-30]
  C2      PA:E2    LA1    2024-02-01  2024-03-31  Y      N        -
  C2      PA:E3    LA1    2024-04-10  open        N      Y        -
  C3      PA:R1    LA1    (referral only)         Y      -        PSYCNMG from 03-05 (counts nowhere)
  C4      PB:E2    Z00B   2024-05-02  open        Y      Y        PSYDNMC [05-03, as_of]
  C5      PB:E3    LA6    2024-01-15  2024-02-20  N      N        RECMAID [01-16, 01-31] (type 96);
                                                                  PSYCGBH [01-20, 02-10]
  C6      PA:E4    LA1    2024-05-06  2024-05-20  N      N        PSYCGBH [05-08, 05-20]; PSYMOTI [05-08, 05-15]

Periods: months January - May 2024 (earliest TRIAGED 2024-01-15), FY 2023/24 and FY 2024/25 (incomplete).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_warehouse import dbt_build, insert_submission, query

from orchestration.warehouse import connect

TEST_KEY = "test-key"

SELECTOR = ["--select", "+qs8_measures", "+qs8_structure", "+nice_concordance", "+int_qs8_structure__menu"]

D = dt.date
NAT, R1, R2, LA1, LA6 = "E92000001", "E12000001", "E12000002", "E06000001", "E06000006"
JAN, FEB, MAR, APR, MAY = D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1), D(2024, 5, 1)
FY23, FY24 = D(2023, 4, 1), D(2024, 4, 1)

CLIENTS = {
    "C1": {"clientid": "L1", "finitial": "a", "sinitial": "a", "dob": "1980-01-01", "sex": "M"},
    "C2": {"clientid": "L2", "finitial": "B", "sinitial": "B", "dob": "1975-05-05", "sex": "F"},
    "C3": {"clientid": "L3", "finitial": "C", "sinitial": "C", "dob": "1990-09-09", "sex": "M"},
    "C4": {"clientid": "L4", "finitial": "D", "sinitial": "D", "dob": "1985-12-12", "sex": "F"},
    "C5": {"clientid": "L5", "finitial": "E", "sinitial": "E", "dob": "1970-07-07", "sex": "M"},
    "C6": {"clientid": "L6", "finitial": "F", "sinitial": "F", "dob": "1988-03-03", "sex": "F"},
}


def _row(client: str, **values: str | None) -> dict[str, str | None]:
    return {"drug1": "1011", "injstat": "N", "mhneed": "Y", "depanx": "N", "mhpsytx": "N", **CLIENTS[client], **values}


def _episode(client, episodid, la, refld, triaged, disd=None, disrsn=None, depanx="N", mhpsytx="N"):
    return {"episodid": episodid, "la": la, "refld": refld, "triaged": triaged, "disd": disd, "disrsn": disrsn,
            "depanx": depanx, "mhpsytx": mhpsytx, "client": client}  # fmt: skip


def _sub(episode, modid, modal, modst, subid, subint, subst, subend=None, modend=None):
    return {**episode, "modid": modid, "modal": modal, "modset": "1", "modst": modst, "modend": modend,
            "subid": subid, "subint": subint, "subst": subst, "subend": subend}  # fmt: skip


PA_E1 = _episode("C1", "E1", LA1, "2024-03-01", "2024-03-10", depanx="Y")
PB_E1 = _episode("C1", "E1", LA6, "2024-04-10", "2024-04-15", depanx="Y")
PA_E2 = _episode("C2", "E2", LA1, "2024-01-20", "2024-02-01", disd="2024-03-31", disrsn="80", depanx="Y")
PA_E3 = _episode("C2", "E3", LA1, "2024-04-05", "2024-04-10", mhpsytx="Y")
PA_R1 = _episode("C3", "R1", LA1, "2024-03-01", None, depanx="Y")
PB_E2 = _episode("C4", "E2", "Z00B", "2024-05-01", "2024-05-02", depanx="Y", mhpsytx="Y")
PB_E3 = _episode("C5", "E3", LA6, "2024-01-10", "2024-01-15", disd="2024-02-20", disrsn="85")
PA_E4 = _episode("C6", "E4", LA1, "2024-05-01", "2024-05-06", disd="2024-05-20", disrsn="85")

PA_ROWS = [
    _sub(PA_E1, "M1", "95", "2024-03-10", "S1", "PSYCNMG", "2024-03-25", subend="2024-04-05"),
    _sub(PA_E1, "M1", "95", "2024-03-10", "S2", "PSYMNTH", "2024-04-10"),
    PA_E2,
    PA_E3,
    # a referral-only episode with a sub-intervention (the gate would refuse it; here it must count nowhere)
    _sub(PA_R1, "M1", "95", "2024-03-05", "S1", "PSYCNMG", "2024-03-05"),
    _sub(PA_E4, "M1", "95", "2024-05-08", "S1", "PSYCGBH", "2024-05-08"),
    _sub(PA_E4, "M1", "95", "2024-05-08", "S2", "PSYMOTI", "2024-05-08", subend="2024-05-15"),
]
PB_ROWS = [
    _sub(PB_E1, "M1", "95", "2024-04-20", "S1", "PSYCGBH", "2024-04-20", subend="2024-04-30"),
    _sub(PB_E2, "M1", "95", "2024-05-03", "S1", "PSYDNMC", "2024-05-03"),
    _sub(PB_E3, "M1", "96", "2024-01-16", "S1", "RECMAID", "2024-01-16", subend="2024-01-31", modend="2024-01-31"),
    _sub(PB_E3, "M2", "95", "2024-01-20", "S1", "PSYCGBH", "2024-01-20", subend="2024-02-10"),
]


def _insert_submission(con, sid: int, provider: str, month: str, rows: list[dict]) -> None:
    full = [{**_row(spec["client"]), **{k: v for k, v in spec.items() if k != "client"}} for spec in rows]
    insert_submission(con, sid, provider, month, full, received="2024-06-01 00:00:00")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dbt_qs8")
    path = tmp / "warehouse.duckdb"
    with connect(path) as con:
        # an older PB file (April) whose versions are all replaced by May's: as_of comes from the latest month
        _insert_submission(con, 1, "PB", "2024-04-01", PB_ROWS[:1] + PB_ROWS[2:])
        _insert_submission(con, 2, "PA", "2024-05-01", PA_ROWS)
        _insert_submission(con, 3, "PB", "2024-05-01", PB_ROWS)
    dbt_build(path, tmp, SELECTOR, TEST_KEY)
    return path


_query = query


def _measures(path: Path, where: str) -> set[tuple]:
    return set(
        _query(
            path,
            "select period_type, period_start, geography_level, geography_code, measure, numerator, denominator, "
            f"rate from marts.qs8_measures where {where}",
        )
    )


# ---------------------------------------------------------------- qs8_measures


def test_qs8_measures_contract_types(warehouse):
    types = dict(
        _query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'qs8_measures'",
        )
    )
    assert types == {
        "period_type": "VARCHAR", "period_start": "DATE", "period_end": "DATE", "complete": "BOOLEAN",
        "geography_level": "VARCHAR", "geography_code": "VARCHAR", "measure": "VARCHAR",
        "numerator": "BIGINT", "denominator": "BIGINT", "rate": "DOUBLE",
    }  # fmt: skip


def test_periods_and_incomplete_financial_year(warehouse):
    periods = _query(
        warehouse,
        "select distinct period_type, period_start, period_end, complete from marts.qs8_measures order by 1, 2",
    )
    assert periods == [
        ("financial_year", FY23, D(2024, 3, 31), True),
        ("financial_year", FY24, D(2025, 3, 31), False),  # keeps its calendar end, measured up to as_of
        ("month", JAN, D(2024, 1, 31), True),
        ("month", FEB, D(2024, 2, 29), True),
        ("month", MAR, D(2024, 3, 31), True),
        ("month", APR, D(2024, 4, 30), True),
        ("month", MAY, D(2024, 5, 31), True),
    ]


def test_qs8a_national_each_client_once(warehouse):
    # C3 (referral only, with a PSYCNMG) counts nowhere; C1 (two providers) counts once.
    assert _measures(warehouse, "geography_level = 'national' and measure = 'qs8a'") == {
        ("month", JAN, "national", NAT, "qs8a", 1, 1, 1.0),  # C5 (PSYCGBH)
        ("month", FEB, "national", NAT, "qs8a", 1, 2, 0.5),  # C2, C5
        ("month", MAR, "national", NAT, "qs8a", 1, 2, 0.5),  # C1 (PSYCNMG from 25 March), C2
        ("month", APR, "national", NAT, "qs8a", 1, 2, 0.5),  # C1 (PSYCNMG to 5 April + PSYCGBH), C2
        ("month", MAY, "national", NAT, "qs8a", 2, 4, 0.5),  # C4 (PSYDNMC), C6 (PSYCGBH); C1, C2 none
        ("financial_year", FY23, "national", NAT, "qs8a", 2, 3, 2 / 3),  # C1, C5 of C1, C2, C5
        ("financial_year", FY24, "national", NAT, "qs8a", 3, 4, 0.75),  # C1, C4, C6 of C1, C2, C4, C6
    }


def test_qs8b_national(warehouse):
    # January: no DEPANX = 'Y' episode in treatment -> no row. C2's DEPANX = 'Y' episode ends 31 March, so C2
    # is in the March denominator (not the numerator: its MHPSYTX = 'Y' episode starts in April) and not in
    # April's. C1: PSYMNTH from 10 April. C4: MHPSYTX = 'Y' only (no PSYMNTH) -> numerator too.
    assert _measures(warehouse, "geography_level = 'national' and measure = 'qs8b'") == {
        ("month", FEB, "national", NAT, "qs8b", 0, 1, 0.0),
        ("month", MAR, "national", NAT, "qs8b", 0, 2, 0.0),
        ("month", APR, "national", NAT, "qs8b", 1, 1, 1.0),
        ("month", MAY, "national", NAT, "qs8b", 2, 2, 1.0),
        ("financial_year", FY23, "national", NAT, "qs8b", 0, 2, 0.0),
        ("financial_year", FY24, "national", NAT, "qs8b", 2, 2, 1.0),
    }


def test_per_unit_attribution(warehouse):
    rows = _measures(
        warehouse,
        "period_type = 'month' and period_start in (date '2024-04-01', date '2024-05-01') "
        "and geography_level <> 'national'",
    )
    expected = {
        # April, qs8a: C1 at both providers, each provider's own sub-intervention; C2 at PA without one.
        ("month", APR, "provider", "PA", "qs8a", 1, 2, 0.5),
        ("month", APR, "provider", "PB", "qs8a", 1, 1, 1.0),
        ("month", APR, "la", LA1, "qs8a", 1, 2, 0.5),
        ("month", APR, "la", LA6, "qs8a", 1, 1, 1.0),
        ("month", APR, "region", R1, "qs8a", 1, 2, 0.5),
        ("month", APR, "region", R2, "qs8a", 1, 1, 1.0),
        # April, qs8b: C1 has DEPANX at both providers; PSYMNTH is at PA, so it does not count for PB.
        ("month", APR, "provider", "PA", "qs8b", 1, 1, 1.0),
        ("month", APR, "provider", "PB", "qs8b", 0, 1, 0.0),
        ("month", APR, "la", LA1, "qs8b", 1, 1, 1.0),
        ("month", APR, "la", LA6, "qs8b", 0, 1, 0.0),
        ("month", APR, "region", R1, "qs8b", 1, 1, 1.0),
        ("month", APR, "region", R2, "qs8b", 0, 1, 0.0),
        # May, qs8a: PA = C1, C2, C6 (C6's PSYCGBH); PB = C1, C4 (C1's PSYCGBH ended 30 April).
        ("month", MAY, "provider", "PA", "qs8a", 1, 3, 1 / 3),
        ("month", MAY, "provider", "PB", "qs8a", 1, 2, 0.5),
        ("month", MAY, "la", LA1, "qs8a", 1, 3, 1 / 3),
        ("month", MAY, "la", LA6, "qs8a", 0, 1, 0.0),
        ("month", MAY, "la", "Z00B", "qs8a", 1, 1, 1.0),
        ("month", MAY, "region", R1, "qs8a", 1, 3, 1 / 3),
        ("month", MAY, "region", R2, "qs8a", 0, 1, 0.0),
        ("month", MAY, "region", "Z00B", "qs8a", 1, 1, 1.0),
        # May, qs8b: PA = C1 (PSYMNTH); PB = C1 (nothing at PB), C4 (MHPSYTX).
        ("month", MAY, "provider", "PA", "qs8b", 1, 1, 1.0),
        ("month", MAY, "provider", "PB", "qs8b", 1, 2, 0.5),
        ("month", MAY, "la", LA1, "qs8b", 1, 1, 1.0),
        ("month", MAY, "la", LA6, "qs8b", 0, 1, 0.0),
        ("month", MAY, "la", "Z00B", "qs8b", 1, 1, 1.0),
        ("month", MAY, "region", R1, "qs8b", 1, 1, 1.0),
        ("month", MAY, "region", R2, "qs8b", 0, 1, 0.0),
        ("month", MAY, "region", "Z00B", "qs8b", 1, 1, 1.0),
    }
    assert rows == expected


def test_qs8_measures_row_count_and_invariants(warehouse):
    # qs8a: units with clients in treatment per period (Jan 4, Feb 7, Mar 4, Apr 7, May 9, FY23 7, FY24 9) = 47
    # qs8b: units with a DEPANX episode in treatment (Feb 4, Mar 4, Apr 7, May 9, FY23 4, FY24 9) = 37
    counts = dict(_query(warehouse, "select measure, count(*) from marts.qs8_measures group by 1"))
    assert counts == {"qs8a": 47, "qs8b": 37}
    bad = _query(
        warehouse,
        "select * from marts.qs8_measures where denominator <= 0 or numerator > denominator "
        "or rate <> numerator / denominator",
    )
    assert bad == []


# ---------------------------------------------------------------- qs8_structure


def _structure(path: Path, period_type: str, period_start: dt.date, level: str, code: str) -> dict[str, tuple]:
    rows = _query(
        path,
        "select intervention_code, clients, delivered from marts.qs8_structure "
        f"where period_type = '{period_type}' and period_start = date '{period_start}' "
        f"and geography_level = '{level}' and geography_code = '{code}'",
    )
    return {code: (clients, delivered) for code, clients, delivered in rows}


def test_qs8_structure_rows_and_zeros(warehouse):
    zero = (0, False)
    assert _structure(warehouse, "month", MAY, "la", LA1) == {
        "PSYCNMG": zero, "PSYFSNI": zero, "PSYCGBH": (1, True), "PSYDNMC": zero,
    }  # fmt: skip
    assert _structure(warehouse, "month", MAY, "la", "Z00B") == {
        "PSYCNMG": zero, "PSYFSNI": zero, "PSYCGBH": zero, "PSYDNMC": (1, True),
    }  # fmt: skip
    assert _structure(warehouse, "month", MAY, "region", "Z00B") == _structure(warehouse, "month", MAY, "la", "Z00B")
    # March: C3's PSYCNMG (referral-only episode) does not count; C1's does.
    assert _structure(warehouse, "month", MAR, "la", LA1)["PSYCNMG"] == (1, True)
    assert _structure(warehouse, "financial_year", FY24, "region", R1) == {
        "PSYCNMG": (1, True), "PSYFSNI": zero, "PSYCGBH": (1, True), "PSYDNMC": zero,
    }  # fmt: skip
    assert _structure(warehouse, "financial_year", FY23, "region", R2)["PSYCGBH"] == (1, True)
    # no provider / national rows; areas = LA/region with clients in treatment (28 period x area) x 4 codes
    assert _query(warehouse, "select distinct geography_level from marts.qs8_structure order by 1") == [
        ("la",),
        ("region",),
    ]
    assert _query(warehouse, "select count(*) from marts.qs8_structure") == [(112,)]
    # no area delivered all four formal codes in any period (int_qs8_structure__menu)
    assert _query(
        warehouse,
        "select count(*) from intermediate.int_qs8_structure__menu where offers_full_menu",
    ) == [(0,)]


# ---------------------------------------------------------------- nice_concordance


def test_nice_concordance(warehouse):
    rows = set(
        _query(
            warehouse,
            "select cohort_month, geography_level, geography_code, journeys_with_psychosocial, second_line_first, "
            "share from marts.nice_concordance",
        )
    )
    # C5 (Jan cohort): PSYCGBH on D but RECMAID (first-line, type 96) earlier -> not second-line first.
    # C1 (Mar cohort, one journey over PA then PB): D = PSYCNMG (first-line) -> not.
    # C4 (May, PB, Z00B): PSYDNMC on D, nothing first-line -> second-line first.
    # C6 (May, PA, LA1): PSYCGBH and PSYMOTI on the same day D -> not. C2 has no psychosocial: not counted.
    assert rows == {
        (JAN, "national", NAT, 1, 0, 0.0),
        (JAN, "region", R2, 1, 0, 0.0),
        (JAN, "la", LA6, 1, 0, 0.0),
        (JAN, "provider", "PB", 1, 0, 0.0),
        (MAR, "national", NAT, 1, 0, 0.0),
        (MAR, "region", R1, 1, 0, 0.0),
        (MAR, "la", LA1, 1, 0, 0.0),
        (MAR, "provider", "PA", 1, 0, 0.0),
        (MAY, "national", NAT, 2, 1, 0.5),
        (MAY, "region", "Z00B", 1, 1, 1.0),
        (MAY, "region", R1, 1, 0, 0.0),
        (MAY, "la", "Z00B", 1, 1, 1.0),
        (MAY, "la", LA1, 1, 0, 0.0),
        (MAY, "provider", "PB", 1, 1, 1.0),
        (MAY, "provider", "PA", 1, 0, 0.0),
    }
