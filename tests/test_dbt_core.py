"""The dbt project, run for real on a crafted warehouse: staging versioning, journeys, transfers, marts.

Each test module run builds one DuckDB warehouse in a temp dir (sources created by ``ensure_schema``, rows
inserted with SQL, as the ingest and gate steps would), runs ``dbt build`` in a subprocess with its own
``--target-path`` / ``--log-path`` (so parallel runs never collide) and checks ``marts`` contents.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from dbt_warehouse import DBT, DBT_DIR, ROOT, insert_submission, query

from orchestration.pseudonymise import client_key
from orchestration.warehouse import connect

TEST_KEY = "pytest-secret-pseudonym-key-7f3a9c"

# Only this project's core (seeds, staging, the core intermediate models and marts): the QS8 / concordance models
# are tested elsewhere and may be mid-edit.
# (the journeys area; int_waiting_times__journeys and int_successful_completions__re_presentation give marts.journeys
# its v2 columns.)
CORE_INTERMEDIATE = ("journeys", "waiting_times/int_waiting_times__journeys.sql",
                     "successful_completions/int_successful_completions__re_presentation.sql")  # fmt: skip
CORE_MARTS = ("episodes", "journeys", "transfers", "retention_3_months", "transfer_outcomes", "submissions",
              "data_quality")  # fmt: skip
# (By path: a bare "journeys" would select the whole dbt project of that name.)
CORE_SELECTOR = [
    "--select",
    "resource_type:seed",
    "path:models/staging",
    *(f"path:models/intermediate/{m}" for m in CORE_INTERMEDIATE),
    *(f"path:models/marts/{m}.sql" for m in CORE_MARTS),
]

DEFAULT_ROW = {
    "clientid": "C1",
    "finitial": "a",
    "sinitial": "b",
    "dob": "1980-05-17",
    "sex": "M",
    "la": "E08000003",
    "drug1": "1011",
    "injstat": "N",
    "mhneed": None,
    "depanx": "Y",
    "mhpsytx": None,
}


def _insert_submission(con, sid, provider, month, status="accepted", rows=(), received="2025-01-01 00:00:00"):
    insert_submission(con, sid, provider, month, [{**DEFAULT_ROW, **row} for row in rows], status, received)


def _build_warehouse(path: Path) -> None:
    with connect(path) as con:
        # --- P001, January: client A's first episode, client B's two episodes, a referral-only episode.
        _insert_submission(con, 1, "P001", "2025-01-01", rows=[
            {"episodid": "A1", "refld": "2025-01-02", "triaged": "2025-01-06", "modid": "M1", "modal": "95",
             "modset": "1", "modst": "2025-01-06", "subid": "S1", "subint": "psycnmg", "subst": "2025-01-07"},
            {"clientid": "C2", "finitial": "C", "sinitial": "D", "dob": "1990-01-31", "sex": "F", "la": "Z00B",
             "episodid": "B1", "refld": "2025-01-09", "triaged": "2025-01-10"},
            {"clientid": "C3", "finitial": "E", "sinitial": "F", "dob": "2000-02-29", "episodid": "R1",
             "refld": "2025-01-20"},
        ])  # fmt: skip
        # --- P001, February: A1 discharged as a transfer (83); B1 and R1 are absent (kept from January).
        _insert_submission(con, 2, "P001", "2025-02-01", rows=[
            {"episodid": "A1", "refld": "2025-01-02", "triaged": "2025-01-06", "disd": "2025-02-10",
             "disrsn": "83", "modid": "M1", "modal": "95", "modset": "1", "modst": "2025-01-06",
             "modend": "2025-02-10", "modexit": "A", "subid": "S1", "subint": "PSYCNMG", "subst": "2025-01-07"},
            # quarantined (error): this version must be ignored
            {"episodid": "Q1", "refld": "2025-02-01", "triaged": "2025-02-02"},
            # quarantined with a warning only: kept
            {"clientid": "C4", "finitial": "G", "sinitial": "H", "episodid": "W1", "refld": "2025-02-03",
             "triaged": "2025-02-04", "disd": "2025-02-20", "disrsn": "85"},
        ])  # fmt: skip
        con.execute(
            "insert into quarantine.rows values (2, 3, 'date_order', 'error', 'x'), (2, 4, 'soft_rule', 'warning', 'y')"
        )
        con.execute(
            "insert into gate.rule_results values (2, 'date_order', 'error', 1), (2, 'soft_rule', 'warning', 1)"
        )
        # --- P002, March: client A picked up 21 days after A1's DISD (same journey; transfer picked_up, +21).
        _insert_submission(
            con,
            3,
            "P002",
            "2025-03-01",
            rows=[
                {"episodid": "A2", "refld": "2025-03-01", "triaged": "2025-03-03"},
            ],
        )
        # --- P001, March: superseded file (its versions are gone) and the file that replaced it.
        _insert_submission(
            con,
            4,
            "P001",
            "2025-03-01",
            status="superseded",
            rows=[
                {"episodid": "X1", "refld": "2025-03-01", "triaged": "2025-03-02"},
            ],
        )
        _insert_submission(con, 5, "P001", "2025-03-01", status="partially_accepted", rows=[
            # B1 corrected: discharged 2025-02-01 (85); B2 triaged 2025-02-23 = 22 days later -> new journey
            {"clientid": "C2", "finitial": "C", "sinitial": "D", "dob": "1990-01-31", "sex": "F", "la": "Z00B",
             "episodid": "B1", "refld": "2025-01-09", "triaged": "2025-01-10", "disd": "2025-02-01",
             "disrsn": "85"},
            {"clientid": "C2", "finitial": "C", "sinitial": "D", "dob": "1990-01-31", "sex": "F", "la": "Z00B",
             "episodid": "B2", "refld": "2025-02-20", "triaged": "2025-02-23"},
        ])  # fmt: skip
        # --- a rejected file contributes nothing; a 'loaded' (not yet gated) file is not published.
        _insert_submission(
            con,
            6,
            "P003",
            "2025-03-01",
            status="rejected",
            rows=[
                {"episodid": "J1", "refld": "2025-03-01", "triaged": "2025-03-02"},
            ],
        )
        _insert_submission(
            con,
            7,
            "P002",
            "2025-04-01",
            status="loaded",
            rows=[
                {"episodid": "L1", "refld": "2025-04-01", "triaged": "2025-04-02"},
            ],
        )
        # --- P002, April: accepted, but after the run's explicit as_of (2025-03-31): left out entirely.
        _insert_submission(con, 8, "P002", "2025-04-01", rows=[
            {"episodid": "A2", "refld": "2025-03-01", "triaged": "2025-03-03", "disd": "2025-04-10",
             "disrsn": "80"},
            {"clientid": "C9", "episodid": "N1", "refld": "2025-04-01", "triaged": "2025-04-02"},
        ])  # fmt: skip


def _dbt(args: list[str], warehouse: Path, tmp: Path, expect_success: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "JOURNEYS_WAREHOUSE": str(warehouse),
        "JOURNEYS_PSEUDONYM_KEY": TEST_KEY,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    cmd = [
        str(DBT), *args,
        "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
        "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--threads", "4",
        "--indirect-selection", "cautious",
    ]  # fmt: skip
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if expect_success:
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    tmp = tmp_path_factory.mktemp("dbt_core")
    warehouse = tmp / "warehouse.duckdb"
    _build_warehouse(warehouse)
    result = _dbt(["build", *CORE_SELECTOR, "--vars", '{"as_of": "2025-03-31"}'], warehouse, tmp)
    return warehouse, tmp, result


_query = query


def _key(fi: str, si: str, dob: str, sex: str) -> str:
    return client_key(fi, si, dob, sex, TEST_KEY.encode())


def test_episodes_versioning_and_scope(built):
    warehouse, _, _ = built
    rows = _query(
        warehouse,
        "select episode_key, client_key, la_code, region_code, triage_date, discharge_date, "
        "discharge_reason, journey_key, dep_anx, age_band from marts.episodes order by 1",
    )
    by_key = {r[0]: r for r in rows}
    # superseded (X1), rejected (J1), loaded (L1) and error-quarantined (Q1) versions are gone
    assert sorted(by_key) == ["P001:A1", "P001:B1", "P001:B2", "P001:R1", "P001:W1", "P002:A2"]
    a = _key("A", "B", "1980-05-17", "M")
    # the client key is the HMAC of upper-cased initials (raw 'a', 'b'), identical across providers
    assert by_key["P001:A1"][1] == by_key["P002:A2"][1] == a
    # A1 corrected in February (DISD, DISRSN), B1 corrected in March
    assert by_key["P001:A1"][5:7] == (dt.date(2025, 2, 10), "83")
    assert by_key["P001:B1"][5:7] == (dt.date(2025, 2, 1), "85")
    # Z00B is its own region
    assert by_key["P001:B1"][2:4] == ("Z00B", "Z00B")
    assert by_key["P001:A1"][3] == "E12000002"
    # referral only: present, no journey; age at referral (29 Feb birthday reached on 1 March)
    assert by_key["P001:R1"][4] is None and by_key["P001:R1"][7] is None
    assert by_key["P001:R1"][9] == "18-24"
    assert by_key["P001:A1"][9] == "40-44"
    assert by_key["P001:A1"][8] == "Y"


def test_journeys(built):
    warehouse, _, _ = built
    a = _key("A", "B", "1980-05-17", "M")
    b = _key("C", "D", "1990-01-31", "F")
    rows = _query(
        warehouse,
        "select journey_key, start_date, end_date, episode_count, provider_count, "
        "provider_code, exit_reason, days_in_treatment, retention_status "
        "from marts.journeys order by start_date, journey_key",
    )
    by_key = {r[0]: r for r in rows}
    # client A: A1 (P001) and A2 (P002, triaged 21 days after A1's DISD) form one open journey,
    # 84 days long at as_of 2025-03-31: retained
    assert by_key[f"{a}:1"][1:] == (dt.date(2025, 1, 6), None, 2, 2, "P001", None, 84, "retained")
    # client B: B2 triaged 22 days after B1's corrected DISD -> a new journey
    assert by_key[f"{b}:1"][1:] == (dt.date(2025, 1, 10), dt.date(2025, 2, 1), 1, 1, "P001", "85", 22, "not_retained")
    assert by_key[f"{b}:2"][1:3] == (dt.date(2025, 2, 23), None)
    assert len(rows) == 4  # + W1's journey
    episodes = dict(_query(warehouse, "select episode_key, journey_key from marts.episodes"))
    assert episodes["P002:A2"] == f"{a}:1" and episodes["P001:B2"] == f"{b}:2"


def test_transfers_and_summaries(built):
    warehouse, _, _ = built
    transfers = _query(
        warehouse,
        "select episode_key, from_provider_code, to_episode_key, to_provider_code, "
        "gap_days, outcome from marts.transfers",
    )
    assert transfers == [("P001:A1", "P001", "P002:A2", "P002", 21, "picked_up")]
    outcomes = _query(
        warehouse,
        "select month, geography_level, geography_code, transfers, picked_up, lost, "
        "pending, pickup_rate from marts.transfer_outcomes order by 2, 3",
    )
    assert (dt.date(2025, 2, 1), "national", "E92000001", 1, 1, 0, 0, 1.0) in outcomes
    assert {r[1] for r in outcomes} == {"national", "region", "la", "provider"}
    retention = _query(
        warehouse,
        "select cohort_month, new_presentations, retained, not_retained, pending, "
        "retention_rate from marts.retention_3_months "
        "where geography_level = 'national' order by 1",
    )
    # January: A (retained, open 84 days at as_of 2025-03-31), B1 (dropped out after 22 days)
    # February: B2 (pending), W1 (dropped out after 16 days: not retained)
    assert retention == [
        (dt.date(2025, 1, 1), 2, 1, 1, 0, 0.5),
        (dt.date(2025, 2, 1), 2, 0, 1, 1, 0.0),
    ]
    region = _query(
        warehouse,
        "select geography_code, new_presentations from marts.retention_3_months "
        "where geography_level = 'region' and cohort_month = date '2025-01-01' order by 1",
    )
    assert region == [("E12000002", 1), ("Z00B", 1)]


def test_submissions_and_data_quality(built):
    warehouse, _, _ = built
    subs = _query(warehouse, "select submission_id, reporting_month, status from marts.submissions order by 1")
    assert [s[0] for s in subs] == [1, 2, 3, 4, 5, 6]  # the 'loaded' file is not published
    assert subs[0][1] == dt.date(2025, 1, 1)
    dq = _query(
        warehouse,
        "select submission_id, provider_code, reporting_month, rule, severity, rows_failed "
        "from marts.data_quality order by rule",
    )
    assert dq == [(2, "P001", dt.date(2025, 2, 1), "date_order", "error", 1),
                  (2, "P001", dt.date(2025, 2, 1), "soft_rule", "warning", 1)]  # fmt: skip


def test_marts_hold_no_attributors(built):
    warehouse, _, _ = built
    cols = _query(
        warehouse, "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    )
    names = {c for _, c in cols}
    for banned in (
        "clientid",
        "client_local_id",
        "finitial",
        "first_initial",
        "sinitial",
        "surname_initial",
        "dob",
        "date_of_birth",
    ):
        assert banned not in names


def test_pseudonym_key_never_written(built):
    _, tmp, result = built
    assert TEST_KEY not in result.stdout and TEST_KEY not in result.stderr
    hex_key = TEST_KEY.encode().hex()
    for path in [*(tmp / "target").rglob("*"), *(tmp / "logs").rglob("*")]:
        if path.is_file():
            text = path.read_bytes()
            assert TEST_KEY.encode() not in text, path
            assert hex_key.encode() not in text, path


def test_explicit_as_of_leaves_later_months_out(built):
    """The build ran with as_of 2025-03-31: the accepted April file (A2 discharged, new episode N1) is left out
    of every figure and of marts.submissions. (The default as_of and a non-month-end as_of are covered by dbt
    unit tests and the parse-time check; one dbt invocation keeps this module quick.)"""
    warehouse, _, _ = built
    assert _query(warehouse, "select as_of from intermediate.int_journeys__as_of") == [(dt.date(2025, 3, 31),)]
    assert _query(warehouse, "select count(*) from marts.episodes where episode_key = 'P002:N1'") == [(0,)]
    assert _query(warehouse, "select discharge_date from marts.episodes where episode_key = 'P002:A2'") == [(None,)]
    assert 8 not in {r[0] for r in _query(warehouse, "select submission_id from marts.submissions")}


def test_not_null_columns_fails_on_a_null_and_names_the_column(built, tmp_path):
    """The model-level ``not_null_columns`` test (one per model in place of one ``not_null`` per column) fails when
    one of its columns holds a NULL, and its failing row names that column and counts the NULLs."""
    warehouse, _, _ = built
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with connect(copy) as con:
        con.execute("update intermediate.int_journeys__journeys set start_date = null where journey_seq = 1")
        nulls = con.execute("select count(*) from intermediate.int_journeys__journeys where start_date is null")
        expected = nulls.fetchall()[0][0]
    assert expected > 0
    test = "not_null_columns_int_journeys__journeys"
    result = _dbt(["test", "--select", test, "--store-failures"], copy, tmp_path, expect_success=False)
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"Failure in test {test}" in result.stdout, result.stdout[-3000:]
    stored = _query(copy, f"select table_schema from information_schema.tables where table_name = '{test}'")
    assert len(stored) == 1, stored
    assert _query(copy, f"select column_name, null_rows from {stored[0][0]}.{test}") == [("start_date", expected)]
