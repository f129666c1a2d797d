"""Every gate rule: a failing row (a one-rule mutation of clean synthetic rows) and passing rows (the rest).

One gate run covers all rules: each mutation goes to its own episode of a clean file; then, per rule, exactly the
expected lines fail it (errors: quarantined with that rule; warnings: counted, never quarantined) and no line of
an untouched episode fails anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pytest

from orchestration.gate import run_gate
from orchestration.gate.rules import gate_rules, suite_rules
from orchestration.warehouse import ensure_schema

from gate_rows import insert_rows, register

EPISODES = 600
SID = 1


def plus(column: str, days: int) -> str:
    return f"strftime(cast({column} as date) + {days}, '%Y-%m-%d')"


@dataclass(frozen=True)
class Mutation:
    rule: str
    target: str  # rows changed: episode (all 3 rows), k0 / k1 / k2 (one row; k2 = the M2 intervention's only row)
    sql: str  # SET clause
    need: str = "any"  # discharged (DISD set) / open / any
    expect: str = "target"  # lines failing the rule: target, episode (all rows), m1 (rows k0 and k1)


MUTATIONS = (
    Mutation("value_only_spaces", "episode", "clientid = '  '"),
    *(Mutation(f"{c}_missing", "episode", f"{c} = null") for c in (
        "agncy", "clientid", "finitial", "sinitial", "dob", "sex", "la", "episodid", "refld", "drug1")),
    Mutation("clientid_too_long", "episode", "clientid = repeat('C', 33)"),
    Mutation("episodid_too_long", "episode", "episodid = repeat('E', 33)"),
    Mutation("finitial_invalid", "episode", "finitial = '1'"),
    Mutation("sinitial_invalid", "episode", "sinitial = 'ab'"),
    Mutation("dob_invalid_date", "episode", "dob = '1980-02-30'"),
    Mutation("refld_invalid_date", "episode", "refld = '2024/01/05'"),
    Mutation("triaged_invalid_date", "episode", "triaged = '2024-1-5'"),
    Mutation("disd_invalid_date", "episode", "disd = '2024-04-31'", need="discharged"),
    Mutation("modst_invalid_date", "k2", "modst = '31/12/2024'"),
    Mutation("modend_invalid_date", "k2", "modend = '2024-13-01', modexit = 'A'"),
    Mutation("subst_invalid_date", "k2", "subst = 'soon'"),
    Mutation("subend_invalid_date", "k2", "subend = '2024-00-10'"),
    Mutation("sex_invalid_code", "episode", "sex = 'U'"),
    Mutation("drug1_invalid_code", "episode", "drug1 = '1234'"),
    Mutation("injstat_invalid_code", "episode", "injstat = 'Y'"),
    Mutation("mhneed_invalid_code", "episode", "mhneed = 'U'"),
    Mutation("depanx_invalid_code", "episode", "depanx = 'yes'"),
    Mutation("mhpsytx_invalid_code", "episode", "mhpsytx = '1'"),
    Mutation("disrsn_invalid_code", "episode", "disrsn = '79'", need="discharged"),
    Mutation("modal_invalid_code", "k2", "modal = '97'"),
    Mutation("modset_invalid_code", "k2", "modset = '7'"),
    Mutation("modexit_invalid_code", "k2", f"modend = {plus('modst', 20)}, modexit = 'D'"),
    Mutation("subint_invalid_code", "k2", "subint = 'PSYXXXX'"),
    Mutation("la_invalid_code", "episode", "la = 'E05000001'"),
    Mutation("la_not_in_reference", "episode", "la = 'E07000001'"),
    Mutation("disrsn_missing", "episode", "disrsn = null", need="discharged"),
    Mutation("disrsn_without_disd", "episode", "disrsn = '85'", need="open"),
    Mutation("intervention_fields_without_modid", "k2", "modid = null, subid = null, subint = null, subst = null"),
    Mutation("modal_missing", "k2", "modal = null"),
    Mutation("modset_missing", "k2", "modset = null"),
    Mutation("modst_missing", "k2", "modst = null"),
    Mutation("modexit_missing", "k2", f"modend = {plus('modst', 20)}"),
    Mutation("modexit_without_modend", "k2", "modexit = 'A'"),
    Mutation("subid_without_modid", "k2", "modid = null, modal = null, modset = null, modst = null"),
    Mutation("subintervention_fields_without_subid", "k2", "subid = null"),
    Mutation("subint_missing", "k2", "subint = null"),
    Mutation("subst_missing", "k2", "subst = null"),
    Mutation("subint_wrong_intervention_type", "k2", "subint = 'PHMAIN'"),
    Mutation("triaged_before_refld", "episode", f"triaged = {plus('refld', -1)}"),
    Mutation("disd_before_start", "episode", f"disd = {plus('triaged', -1)}", need="discharged"),
    Mutation("modst_before_triaged", "k2", f"modst = {plus('triaged', -1)}"),
    Mutation("modend_before_modst", "k2", f"modend = {plus('modst', -1)}, modexit = 'A'"),
    Mutation("modend_after_disd", "k2", f"modend = {plus('disd', 1)}, modexit = 'A'", need="discharged"),
    Mutation("subst_before_modst", "k2", f"subst = {plus('modst', -1)}"),
    Mutation("subend_before_subst", "k2", f"subend = {plus('subst', -1)}"),
    Mutation("subend_after_modend", "k2", f"modend = {plus('subst', 5)}, modexit = 'A', subend = {plus('subst', 6)}"),
    Mutation("intervention_without_triage", "episode", "triaged = null"),
    Mutation("date_after_reporting_month", "k2", "subst = '2025-07-15'"),
    Mutation("age_out_of_range", "episode", "dob = '2015-01-01'"),
    Mutation("episode_conflict", "k0", "drug1 = '9000'", expect="episode"),
    Mutation("intervention_conflict", "k0", "modset = '2'", expect="m1"),
    Mutation("duplicate_record", "k1", "subid = 'S1'", expect="m1"),
)  # fmt: skip
FILE_LEVEL = {"no_data_rows", "provider_code_mismatch"}  # reject the whole file: tests/test_gate_run.py
MALFORMED_LINE, EXTRA_COLUMN = 90_001, "NOTES"


def _lines(episode: int, which: str) -> list[int]:
    first = 3 * episode + 2
    return {
        "episode": [first, first + 1, first + 2],
        "k0": [first],
        "k1": [first + 1],
        "k2": [first + 2],
        "m1": [first, first + 1],
    }[which]


def _assign_episodes() -> dict[str, int]:
    """A distinct episode for each mutation (every fourth episode is discharged), clean episodes in between."""
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for mutation in MUTATIONS:
        episode = next(
            e
            for e in range(1, EPISODES)
            if not used & {e - 1, e, e + 1}
            and (mutation.need != "discharged" or e % 4 == 0)
            and (mutation.need != "open" or e % 4 != 0)
        )
        used.add(episode)
        chosen[mutation.rule] = episode
    return chosen


@pytest.fixture(scope="module")
def gated() -> Any:
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    register(con, SID)
    insert_rows(con, SID, 3 * EPISODES)
    episodes = _assign_episodes()
    for mutation in MUTATIONS:
        lines = _lines(episodes[mutation.rule], mutation.target)
        con.execute(
            f"update raw.submission_rows set {mutation.sql} where submission_id = $sid and source_line in "
            f"({', '.join(map(str, lines))})",
            {"sid": SID},
        )
    con.execute("insert into raw.malformed_lines values ($sid, $line, 'TOO MANY COLUMNS', 'x,y')", {
        "sid": SID, "line": MALFORMED_LINE})  # fmt: skip
    con.execute("insert into raw.extra_columns values ($sid, $name, 12)", {"sid": SID, "name": EXTRA_COLUMN})
    outcome = run_gate(con, SID)
    yield con, outcome, episodes
    con.close()


def _expected(rule: str, episodes: dict[str, int]) -> set[int]:
    if rule == "malformed_line":
        return {MALFORMED_LINE}
    mutation = next(m for m in MUTATIONS if m.rule == rule)
    return set(_lines(episodes[rule], mutation.target if mutation.expect == "target" else mutation.expect))


def test_every_gate_rule_has_a_failing_row_test() -> None:
    covered = {m.rule for m in MUTATIONS} | FILE_LEVEL | {"malformed_line", "extra_columns"}
    assert {rule.name for rule in gate_rules()} == covered


@pytest.mark.parametrize("rule", [r.name for r in gate_rules() if r.scope == "row"])
def test_rule_flags_exactly_its_failing_rows(gated: Any, rule: str) -> None:
    con, outcome, episodes = gated
    expected = _expected(rule, episodes)
    severity = next(r.severity for r in gate_rules() if r.name == rule)
    quarantined = {
        r[0]
        for r in con.execute(
            "select source_line from quarantine.rows where submission_id = $sid and rule = $rule",
            {"sid": SID, "rule": rule},
        ).fetchall()
    }
    assert outcome.rows_failed().get(rule, 0) == len(expected)
    if severity == "error":
        assert quarantined == expected
    else:  # a warning is reported, never quarantines a row
        assert quarantined == set()
        all_quarantined = {r[0] for r in con.execute("select source_line from quarantine.rows").fetchall()}
        assert not expected & all_quarantined


def test_untouched_episodes_pass_every_rule(gated: Any) -> None:
    con, outcome, episodes = gated
    touched = {line for rule in episodes for line in _lines(episodes[rule], "episode")} | {MALFORMED_LINE}
    flagged = {r[0] for r in con.execute("select source_line from quarantine.rows").fetchall()}
    assert flagged <= touched
    assert outcome.status == "partially_accepted"
    assert outcome.rows_total == 3 * EPISODES + 1


def test_extra_columns_are_a_warning_counted_per_column(gated: Any) -> None:
    con, outcome, _ = gated
    assert outcome.rows_failed()["extra_columns"] == 1
    assert not con.execute("select count(*) from quarantine.rows where rule = 'extra_columns'").fetchall()[0][0]


def test_rule_results_hold_every_rule_once_zeros_included(gated: Any) -> None:
    con, outcome, _ = gated
    rows = con.execute("select rule, severity, rows_failed from gate.rule_results where submission_id = $sid", {
        "sid": SID}).fetchall()  # fmt: skip
    names = [r[0] for r in rows]
    assert sorted(names) == sorted([r.name for r in gate_rules()] + ["file_rejected"])
    assert {r[0]: r[2] for r in rows} == {o.rule: o.rows_failed for o in outcome.rules}
    assert ("no_data_rows", "error", 0) in rows


def test_offending_values_are_small_json_of_the_columns_involved(gated: Any) -> None:
    con, _, _ = gated
    values = dict(
        con.execute(
            "select rule, offending_values from quarantine.rows "
            "where rule in ('drug1_invalid_code', 'episode_conflict')"
        ).fetchall()
    )
    assert values["drug1_invalid_code"] == '{"drug1":"1234"}'
    assert '"differing_fields":["DRUG1"]' in values["episode_conflict"]


def test_suite_files_carry_complete_rule_metadata() -> None:
    for suite in ("file_structure", "row_validity", "date_logic", "episode_consistency", "marts_sanity"):
        for rule in suite_rules(suite):
            assert rule.severity in ("error", "warning") and rule.what_to_fix.endswith((".", ")"))
