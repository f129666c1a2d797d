"""v2 headline indicators (waiting times, successful completions without re-presentation, deaths in treatment),
built for real by dbt on a crafted warehouse: the v2 columns of ``marts.journeys`` and the marts
``waiting_times`` and ``successful_completions`` checked exactly against answers computed by hand below, plus
the invariants the contract promises on every row.

Scenario: providers PA (LA1 = E06000001, region R1 = E12000001) and PB (LA6 = E06000006, region R2 = E12000002).
Accepted submissions: PA 2024-02 (the first reporting month), PA and PB 2025-04; a rejected PB 2024-01 file does
not count. as_of = 2025-04-30, so the completion windows end 2024-02-29 ... 2024-10-31 (nine windows).

  client  episode  group       REFLD       TRIAGED     first MODST  DISD        DISRSN
  C1      PA:E1    opiate      2023-12-01  2023-12-10  2023-12-22   2024-08-31  80  wait 21 (within)
  C1      PA:E5    opiate      2025-02-20  2025-02-28  -            open            re-presents at end + 6 months
  C2      PB:E1    opiate      2024-01-01  2024-01-05  2024-01-23   2024-08-31  80  wait 22 (over)
  C2      PB:E2    opiate      2025-02-25  2025-03-01  -            2025-03-20  85  one day too late: not re-presented
  C3      PA:E3    alcohol     2024-02-20  2024-03-01  -            2024-05-01  83  journey's first episode at PA,
  C3      PB:E3    alcohol     2024-05-05  2024-05-10  2024-05-15   2024-10-31  81  exit (completion) at PB; wait 85
  C4      PA:E4    non-opiate  2024-01-10  2024-01-15  2024-01-20   2024-06-15  89  died in treatment
  C5      PA:E6    opiate      2023-05-20  2023-06-01  -            2023-11-01  80  ends on the last window's first day
  C6      PA:E7    opiate      2023-05-01  2023-05-10  2023-05-10   2023-10-31  80  one day before it
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_warehouse import dbt_build, insert_submission, query

from orchestration.warehouse import connect

D = dt.date
NAT, R1, R2, LA1, LA6 = "E92000001", "E12000001", "E12000002", "E06000001", "E06000006"
# journeys by path (the bare name is also the project's); cautious: no test of a model left out of the build
SELECTOR = [
    "--select", "+path:models/marts/journeys.sql", "+episodes", "+waiting_times", "+successful_completions",
    "--indirect-selection", "cautious",
]  # fmt: skip
PEOPLE = {
    "C1": ("A", "A", "1980-01-01", "M", "1011"),
    "C2": ("B", "B", "1975-05-05", "F", "1011"),
    "C3": ("C", "C", "1990-09-09", "M", "7000"),
    "C4": ("D", "D", "1985-12-12", "F", "3200"),
    "C5": ("E", "E", "1970-07-07", "M", "1105"),
    "C6": ("F", "F", "1988-03-03", "F", "1011"),
}


def _row(person, episodid, la, refld, triaged, disd=None, disrsn=None, modst=None) -> dict[str, str | None]:
    first, second, dob, sex, drug1 = PEOPLE[person]
    row = {"clientid": person, "finitial": first, "sinitial": second, "dob": dob, "sex": sex, "la": la,
           "episodid": episodid, "refld": refld, "triaged": triaged, "drug1": drug1, "injstat": "N", "mhneed": "N",
           "depanx": "N", "mhpsytx": "N", "disd": disd, "disrsn": disrsn}  # fmt: skip
    if modst is not None:
        row |= {"modid": "M1", "modal": "95", "modset": "1", "modst": modst, "subid": "S1", "subint": "PSYMOTI",
                "subst": modst}  # fmt: skip
    return row


C6_E7 = _row("C6", "E7", LA1, "2023-05-01", "2023-05-10", "2023-10-31", "80", modst="2023-05-10")
PA_ROWS = [
    _row("C1", "E1", LA1, "2023-12-01", "2023-12-10", "2024-08-31", "80", modst="2023-12-22"),
    _row("C1", "E5", LA1, "2025-02-20", "2025-02-28"),
    _row("C3", "E3", LA1, "2024-02-20", "2024-03-01", "2024-05-01", "83"),
    _row("C4", "E4", LA1, "2024-01-10", "2024-01-15", "2024-06-15", "89", modst="2024-01-20"),
    _row("C5", "E6", LA1, "2023-05-20", "2023-06-01", "2023-11-01", "80"),
    C6_E7,
]
PB_ROWS = [
    _row("C2", "E1", LA6, "2024-01-01", "2024-01-05", "2024-08-31", "80", modst="2024-01-23"),
    _row("C2", "E2", LA6, "2025-02-25", "2025-03-01", "2025-03-20", "85"),
    _row("C3", "E3", LA6, "2024-05-05", "2024-05-10", "2024-10-31", "81", modst="2024-05-15"),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dbt_v2")
    path = tmp / "warehouse.duckdb"
    with connect(path) as con:
        insert_submission(con, 1, "PB", "2024-01-01", [], status="rejected")
        insert_submission(con, 2, "PA", "2024-02-01", [C6_E7])
        insert_submission(con, 3, "PA", "2025-04-01", PA_ROWS)
        insert_submission(con, 4, "PB", "2025-04-01", PB_ROWS)
    dbt_build(path, tmp, SELECTOR, key="test-key")
    return path


def _types(path: Path, table: str) -> dict[str, str]:
    sql = ("select column_name, data_type from information_schema.columns "
           f"where table_schema = 'marts' and table_name = '{table}' order by ordinal_position")  # fmt: skip
    return dict(query(path, sql))


# ---------------------------------------------------------------- journeys (v2 columns)


def test_journeys_v2_columns_appended_with_contract_types(warehouse):
    types = _types(warehouse, "journeys")
    assert list(types)[-5:] == ["referral_date", "first_intervention_date", "wait_days", "wait_status", "re_presented"]
    assert list(types)[:14] == [
        "journey_key", "client_key", "journey_seq", "start_date", "end_date", "episode_count", "provider_count",
        "provider_code", "la_code", "region_code", "exit_reason", "exit_group", "days_in_treatment",
        "retention_status",
    ]  # fmt: skip
    assert [types[c] for c in list(types)[-5:]] == ["DATE", "DATE", "BIGINT", "VARCHAR", "BOOLEAN"]


def test_journeys_waits_and_re_presentation(warehouse):
    rows = query(
        warehouse,
        """select e.episode_key, j.referral_date, j.first_intervention_date, j.wait_days, j.wait_status,
                  j.re_presented
           from marts.journeys as j
           inner join marts.episodes as e on e.journey_key = j.journey_key
           where e.episode_key in ('PA:E1', 'PA:E5', 'PB:E1', 'PB:E2', 'PA:E3', 'PA:E4', 'PA:E6', 'PA:E7')
           order by e.episode_key""",
    )
    assert rows == [
        ("PA:E1", D(2023, 12, 1), D(2023, 12, 22), 21, "started", True),  # next journey on end + 6 months
        ("PA:E3", D(2024, 2, 20), D(2024, 5, 15), 85, "started", False),  # first intervention in the 2nd episode
        ("PA:E4", D(2024, 1, 10), D(2024, 1, 20), 10, "started", False),  # died: not re-presented
        ("PA:E5", D(2025, 2, 20), None, None, "waiting", None),  # open
        ("PA:E6", D(2023, 5, 20), None, None, "no_intervention", False),
        ("PA:E7", D(2023, 5, 1), D(2023, 5, 10), 9, "started", False),
        ("PB:E1", D(2024, 1, 1), D(2024, 1, 23), 22, "started", False),  # next journey one day too late
        ("PB:E2", D(2025, 2, 25), None, None, "no_intervention", None),  # the 6 months still run
    ]


# ---------------------------------------------------------------- waiting_times


def test_waiting_times_contract_types(warehouse):
    assert _types(warehouse, "waiting_times") == {
        "cohort_month": "DATE", "geography_level": "VARCHAR", "geography_code": "VARCHAR",
        "new_presentations": "BIGINT", "started": "BIGINT", "within_3_weeks": "BIGINT", "over_3_weeks": "BIGINT",
        "waiting": "BIGINT", "no_intervention": "BIGINT", "share_within_3_weeks": "DOUBLE",
        "median_wait_days": "DOUBLE",
    }  # fmt: skip


def test_waiting_times_national(warehouse):
    rows = query(
        warehouse,
        "select cohort_month, new_presentations, started, within_3_weeks, over_3_weeks, waiting, no_intervention, "
        "share_within_3_weeks, median_wait_days from marts.waiting_times where geography_level = 'national' "
        "order by cohort_month",
    )
    assert rows == [
        (D(2023, 5, 1), 1, 1, 1, 0, 0, 0, 1.0, 9.0),
        (D(2023, 6, 1), 1, 0, 0, 0, 0, 1, None, None),
        (D(2023, 12, 1), 1, 1, 1, 0, 0, 0, 1.0, 21.0),
        (D(2024, 1, 1), 2, 2, 1, 1, 0, 0, 0.5, 16.0),  # 10 and 22 days: the mean of the two
        (D(2024, 3, 1), 1, 1, 0, 1, 0, 0, 0.0, 85.0),  # C3: from the first episode's referral
        (D(2025, 2, 1), 1, 0, 0, 0, 1, 0, None, None),
        (D(2025, 3, 1), 1, 0, 0, 0, 0, 1, None, None),
    ]


def test_waiting_times_by_journey_geography(warehouse):
    # C3's journey starts at PA: it counts at PA / LA1 / R1, never at PB.
    rows = query(
        warehouse,
        "select geography_level, geography_code, new_presentations, started, over_3_weeks from marts.waiting_times "
        "where cohort_month = date '2024-03-01' order by 1, 2",
    )
    assert rows == [
        ("la", LA1, 1, 1, 1), ("national", NAT, 1, 1, 1), ("provider", "PA", 1, 1, 1), ("region", R1, 1, 1, 1),
    ]  # fmt: skip
    totals = query(
        warehouse,
        "select geography_level, sum(new_presentations), sum(started), sum(waiting), sum(no_intervention) "
        "from marts.waiting_times group by 1 order by 1",
    )
    assert {row[1:] for row in totals} == {(8, 5, 1, 2)}  # every journey once at every level


# ---------------------------------------------------------------- successful_completions


def _completions(path: Path, period_end: dt.date, level: str, code: str) -> dict[str, tuple]:
    rows = query(
        path,
        "select substance_group, in_treatment, completed, completed_not_re_presented, re_presented, died, rate "
        f"from marts.successful_completions where period_end = date '{period_end}' "
        f"and geography_level = '{level}' and geography_code = '{code}'",
    )
    return {row[0]: row[1:] for row in rows}


def test_successful_completions_contract_types(warehouse):
    assert _types(warehouse, "successful_completions") == {
        "period_start": "DATE", "period_end": "DATE", "geography_level": "VARCHAR", "geography_code": "VARCHAR",
        "substance_group": "VARCHAR", "in_treatment": "BIGINT", "completed": "BIGINT",
        "completed_not_re_presented": "BIGINT", "re_presented": "BIGINT", "died": "BIGINT", "rate": "DOUBLE",
    }  # fmt: skip


def test_successful_completions_windows(warehouse):
    windows = query(warehouse, "select distinct period_start, period_end from marts.successful_completions order by 2")
    ends = [D(2024, 2, 29)] + [D(2024, m + 1, 1) - dt.timedelta(days=1) for m in range(3, 11)]
    starts = [D(2023, m, 1) for m in range(3, 12)]
    assert windows == list(zip(starts, ends, strict=True))


def test_successful_completions_national_last_window(warehouse):
    # Window 2023-11-01 .. 2024-10-31: C5 ends on its first day (in), C6 the day before (out); C1 re-presented;
    # C3's completion is at PB; C4 died.
    assert _completions(warehouse, D(2024, 10, 31), "national", NAT) == {
        "all": (5, 4, 3, 1, 1, 0.6),
        "opiate": (3, 3, 2, 1, 0, 2 / 3),
        "alcohol": (1, 1, 1, 0, 0, 1.0),
        "non-opiate": (1, 0, 0, 0, 1, 0.0),
    }


def test_successful_completions_at_the_exit_episodes_provider(warehouse):
    # C3 is in treatment at PA (alcohol) but completed at PB: counted as completed at PB / LA6 / R2 only.
    pa = {"all": (4, 2, 1, 1, 1, 0.25), "opiate": (2, 2, 1, 1, 0, 0.5), "alcohol": (1, 0, 0, 0, 0, 0.0),
          "non-opiate": (1, 0, 0, 0, 1, 0.0)}  # fmt: skip
    pb = {"all": (2, 2, 2, 0, 0, 1.0), "opiate": (1, 1, 1, 0, 0, 1.0), "alcohol": (1, 1, 1, 0, 0, 1.0)}
    assert _completions(warehouse, D(2024, 10, 31), "provider", "PA") == pa
    assert _completions(warehouse, D(2024, 10, 31), "la", LA1) == pa
    assert _completions(warehouse, D(2024, 10, 31), "region", R1) == pa
    assert _completions(warehouse, D(2024, 10, 31), "provider", "PB") == pb  # no non-opiate client: no row
    assert _completions(warehouse, D(2024, 10, 31), "region", R2) == pb


def test_successful_completions_earlier_windows(warehouse):
    # 2023-10-01 .. 2024-09-30: C6 ends on the first day (in); C3 completes after the window; C4 died.
    assert _completions(warehouse, D(2024, 9, 30), "national", NAT)["all"] == (6, 4, 3, 1, 1, 0.5)
    # 2023-03-01 .. 2024-02-29: C5 and C6 completed; C3 not yet in treatment; C4's death is later.
    assert _completions(warehouse, D(2024, 2, 29), "national", NAT)["all"] == (5, 2, 2, 0, 0, 0.4)


def test_successful_completions_invariants(warehouse):
    # The substance groups add up to 'all' on every count.
    broken = query(
        warehouse,
        """select period_end, geography_level, geography_code
           from marts.successful_completions
           group by period_end, geography_level, geography_code
           having sum(case when substance_group = 'all' then in_treatment else -in_treatment end) <> 0
               or sum(case when substance_group = 'all' then completed else -completed end) <> 0
               or sum(case when substance_group = 'all' then completed_not_re_presented
                           else -completed_not_re_presented end) <> 0
               or sum(case when substance_group = 'all' then died else -died end) <> 0""",
    )
    assert broken == []
    assert query(warehouse, "select count(*) from marts.successful_completions where in_treatment <= 0") == [(0,)]
    # National (each client once) is never below any unit, for 'all'.
    below = query(
        warehouse,
        """select u.period_end, u.geography_level, u.geography_code
           from marts.successful_completions as u
           inner join marts.successful_completions as n
               on n.period_end = u.period_end and n.substance_group = 'all' and n.geography_level = 'national'
           where u.substance_group = 'all'
             and (u.in_treatment > n.in_treatment or u.completed > n.completed or u.died > n.died)""",
    )
    assert below == []
