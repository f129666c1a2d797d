"""run_marts_sanity: the marts-sanity suite with GX on DuckDB, on a read-only warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.gate import run_marts_sanity
from orchestration.gate.rules import suite_rules

GOOD_MARTS = """
create schema marts;
create table marts.episodes as select 'P0042:E' || range as episode_key, 'K' || range as client_key,
    'E06000001' as la_code, '40-44' as age_band from range(5);
create table marts.journeys as select 'K1:1' as journey_key, 'K1' as client_key, 1 as journey_seq;
create table marts.transfers as select 'P0042:E1' as episode_key, 'picked_up' as outcome;
create table marts.retention_3_months as select date '2025-01-01' as cohort_month, 'national' as geography_level,
    'E92000001' as geography_code, 10::bigint as new_presentations, 6::bigint as retained, 3::bigint as not_retained,
    1::bigint as pending, 6 / 9 as retention_rate;
create table marts.transfer_outcomes as select date '2025-01-01' as month, 'national' as geography_level,
    'E92000001' as geography_code, 4::bigint as transfers, 2::bigint as picked_up, 1::bigint as lost,
    1::bigint as pending, 2 / 3 as pickup_rate;
create table marts.qs8_measures as select 'month' as period_type, m as measure, 'national' as geography_level,
    'E92000001' as geography_code, 3::bigint as numerator, 4::bigint as denominator, 0.75 as rate
    from (values ('qs8a'), ('qs8b')) v(m);
create table marts.qs8_structure as select 'la' as geography_level, 'E06000001' as geography_code,
    'PSYMOTI' as intervention_code, 3::bigint as clients, 5::bigint as delivered;
create table marts.nice_concordance as select date '2025-01-01' as cohort_month, 'national' as geography_level,
    'E92000001' as geography_code, 8::bigint as journeys_with_psychosocial, 2::bigint as second_line_first,
    0.25 as share;
create table marts.waiting_times as select date '2025-01-01' as cohort_month, 'national' as geography_level,
    'E92000001' as geography_code, 10::bigint as new_presentations, 7::bigint as started, 5::bigint as within_3_weeks,
    2::bigint as over_3_weeks, 2::bigint as waiting, 1::bigint as no_intervention, 5 / 7 as share_within_3_weeks,
    12.5::double as median_wait_days;
create table marts.successful_completions as select date '2024-02-01' as period_start, date '2025-01-31' as period_end,
    'national' as geography_level, 'E92000001' as geography_code, 'all' as substance_group, 20::bigint as in_treatment,
    6::bigint as completed, 4::bigint as completed_not_re_presented, 2::bigint as re_presented, 1::bigint as died,
    4 / 20 as rate;
create table marts.submissions as select 1::bigint as submission_id, 'accepted' as status, 10::bigint as rows_total,
    9::bigint as rows_accepted, 1::bigint as rows_quarantined;
create table marts.data_quality as select 1::bigint as submission_id, 'sex_invalid_code' as rule,
    'error' as severity, 1::bigint as rows_failed;
create table marts.snapshot_info as select date '2025-01-31' as as_of, timestamp '2025-02-05 07:00:00' as built_at,
    '0.1.0' as pipeline_version, 'f0' as key_fingerprint, 1::bigint as submissions_accepted,
    1::bigint as submissions_total;
create schema ingest;
create table ingest.submissions as select 1::bigint as submission_id, date '2025-01-01' as reporting_month,
    'accepted' as status, 9::bigint as rows_accepted;
"""


def _warehouse(tmp_path: Path, *changes: str) -> duckdb.DuckDBPyConnection:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(GOOD_MARTS)
        for change in changes:
            con.execute(change)
    return duckdb.connect(str(path), read_only=True)


def _failed(results: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {r.name: r.details for r in results if not r.passed}


def test_good_marts_pass_every_rule_on_a_read_only_connection(tmp_path: Path) -> None:
    con = _warehouse(tmp_path)
    results = run_marts_sanity(con)
    assert [r.name for r in results] == [r.name for r in suite_rules("marts_sanity")]
    assert _failed(results) == {}
    assert all(r.details == "ok" for r in results)


def test_a_rate_outside_zero_one_fails(tmp_path: Path) -> None:
    con = _warehouse(tmp_path, "update marts.retention_3_months set retention_rate = 1.5")
    failed = _failed(run_marts_sanity(con))
    assert set(failed) == {"retention_rate_in_range"}
    assert "marts.retention_3_months" in failed["retention_rate_in_range"]


def test_an_attributor_column_in_marts_fails(tmp_path: Path) -> None:
    con = _warehouse(tmp_path, "alter table marts.episodes add column ClientID varchar", "alter table marts.journeys "
                     "add column dob date")  # fmt: skip
    failed = _failed(run_marts_sanity(con))
    assert set(failed) == {"restricted_columns_absent"}
    assert "marts.episodes" in failed["restricted_columns_absent"] and "ClientID" in failed["restricted_columns_absent"]
    assert "marts.journeys" in failed["restricted_columns_absent"] and "dob" in failed["restricted_columns_absent"]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ("update marts.qs8_measures set numerator = 5", "qs8_numerator_le_denominator"),
        ("update marts.transfer_outcomes set lost = 7", "transfer_counts_reconcile"),
        ("update marts.retention_3_months set pending = 0", "retention_counts_reconcile"),
        ("update marts.submissions set rows_accepted = 10", "submission_rows_reconcile"),
        ("insert into marts.episodes select * from marts.episodes limit 1", "episode_key_unique"),
        ("update marts.waiting_times set waiting = 3", "waiting_counts_reconcile"),
        ("update marts.waiting_times set share_within_3_weeks = -0.1", "waiting_share_in_range"),
        ("update marts.successful_completions set re_presented = 1", "completions_counts_reconcile"),
        ("update marts.successful_completions set died = 21", "completions_counts_reconcile"),
        ("update marts.successful_completions set rate = 1.2", "completions_rate_in_range"),
    ],
)
def test_numerators_counts_and_keys_are_checked(tmp_path: Path, change: str, rule: str) -> None:
    assert set(_failed(run_marts_sanity(_warehouse(tmp_path, change)))) == {rule}


def test_a_missing_mart_fails_its_rules(tmp_path: Path) -> None:
    failed = _failed(run_marts_sanity(_warehouse(tmp_path, "drop table marts.nice_concordance")))
    assert set(failed) == {"concordance_share_in_range", "concordance_numerator_le_denominator"}
    assert "does not exist" in failed["concordance_share_in_range"]


def test_an_empty_build_fails_when_the_warehouse_holds_accepted_submissions(tmp_path: Path) -> None:
    failed = _failed(
        run_marts_sanity(_warehouse(tmp_path, "delete from marts.episodes", "delete from marts.submissions"))
    )
    assert set(failed) == {"not_empty_when_submissions_accepted"}
    assert "marts.episodes" in failed["not_empty_when_submissions_accepted"]
    assert "marts.submissions" in failed["not_empty_when_submissions_accepted"]


@pytest.mark.parametrize(
    "change",
    [
        "delete from ingest.submissions",  # a new, empty warehouse
        "update ingest.submissions set reporting_month = date '2025-02-01'",  # only after the reporting date
        "update ingest.submissions set rows_accepted = 0",  # an accepted file without data rows
    ],
)
def test_an_empty_build_passes_when_nothing_was_accepted_up_to_as_of(tmp_path: Path, change: str) -> None:
    assert _failed(run_marts_sanity(_warehouse(tmp_path, "delete from marts.episodes", change))) == {}


def test_snapshot_info_must_hold_one_row(tmp_path: Path) -> None:
    change = "insert into marts.snapshot_info select * from marts.snapshot_info"
    assert set(_failed(run_marts_sanity(_warehouse(tmp_path, change)))) == {"snapshot_info_one_row"}
