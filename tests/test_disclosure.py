"""No suppressed value can be worked out from the published packs (tests/disclosure_attacker.py is the attacker):
crafted data with the known holes of the old rules, and the audit of cells pinned down only by combined constraints.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import duckdb
import pytest
from crafted_marts import MARTS_DDL
from disclosure_attacker import attack, read_packs, regions_of

from orchestration.publication import publish_all_regions
from orchestration.publication.audit import determined_cells
from orchestration.publication.regions import ENGLAND_CODE

# --------------------------------------------------------------------------------------------- crafted data

NE, NW, YH = "E12000001", "E12000002", "E12000003"
GEOGRAPHY = {
    NE: ["E06000001", "E06000002", "E06000003", "E06000004"],
    NW: ["E06000006", "E06000007", "E06000008"],
    YH: ["E06000010", "E06000011", "E06000012", "E06000013"],
}
JULY = date(2025, 7, 1)
MONTHS = [date(2025, 5, 1), date(2025, 6, 1), JULY]
SUBSTANCES = ("opiate", "non-opiate", "alcohol")


def _crafted(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    rng = random.Random(seed)
    con.execute(
        MARTS_DDL
        + """
        create table marts.waiting_times (cohort_month date, geography_level varchar, geography_code varchar,
            new_presentations bigint, started bigint, within_3_weeks bigint, over_3_weeks bigint, waiting bigint,
            no_intervention bigint, share_within_3_weeks double, median_wait_days double);
        create table marts.successful_completions (period_start date, period_end date, geography_level varchar,
            geography_code varchar, substance_group varchar, in_treatment bigint, completed bigint,
            completed_not_re_presented bigint, re_presented bigint, died bigint, rate double);
        """
    )
    las = [la for region in GEOGRAPHY.values() for la in region]

    def small() -> int:
        return rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12])

    for month in MONTHS:
        end = date(month.year, month.month + 1, 1).toordinal() - 1
        for measure in ("qs8a", "qs8b"):
            values = {}
            for la in las:
                den = small() + rng.choice([0, 3, 10])
                values[la] = (rng.randint(0, den), den)
            if measure == "qs8b" and month == JULY:
                values["E06000001"] = (0, 3)  # the hole: numerator 0 gives the suppressed rate (0%) away
            for la, (num, den) in values.items():
                con.execute(
                    "insert into marts.qs8_measures values ('month', ?, ?, true, 'la', ?, ?, ?, ?, ?)",
                    [month, date.fromordinal(end), la, measure, num, den, num / den if den else None],
                )
            con.execute(
                """
                insert into marts.qs8_measures
                select 'month', period_start, period_end, true, 'region', g.region, measure, sum(numerator),
                       sum(denominator), sum(numerator) / nullif(sum(denominator), 0)
                from marts.qs8_measures join (select unnest($las) as la, unnest($regions) as region) as g
                  on g.la = geography_code
                where geography_level = 'la' and period_start = $month and measure = $measure
                group by all
                """,
                {
                    "las": las,
                    "regions": [r for r, ls in GEOGRAPHY.items() for _ in ls],
                    "month": month,
                    "measure": measure,
                },
            )
            con.execute(
                """
                insert into marts.qs8_measures
                select 'month', period_start, period_end, true, 'national', $england, measure, sum(numerator),
                       sum(denominator), sum(numerator) / nullif(sum(denominator), 0)
                from marts.qs8_measures
                where geography_level = 'region' and period_start = $month and measure = $measure
                group by all
                """,
                {"england": ENGLAND_CODE, "month": month, "measure": measure},
            )
        retention, transfers, concordance, waiting = {}, {}, {}, {}
        for la in las:
            r, n, p = small(), small(), rng.choice([0, 0, small()])
            retention[la] = (r + n + p, r, n, p, r / (r + n) if r + n else None)
            t_up, t_lost, t_pend = small(), rng.choice([0, small()]), rng.choice([0, 0, 2])
            transfers[la] = (
                t_up + t_lost + t_pend,
                t_up,
                t_lost,
                t_pend,
                t_up / (t_up + t_lost) if t_up + t_lost else None,
            )
            j = small() + 2
            s = rng.randint(0, j)
            concordance[la] = (j, s, s / j if j else None)
            within, over, wait, none = small(), small(), rng.choice([0, 1, 6]), rng.choice([0, 2])
            waiting[la] = (
                within + over + wait + none,
                within + over,
                within,
                over,
                wait,
                none,
                within / (within + over) if within + over else None,
                20.0 if within + over else None,
            )
        if month == JULY:
            transfers["E06000001"] = (3, 3, 0, 0, 1.0)  # the hole: pick-up rate 100% from lost 0, pending 0
            retention["E06000002"] = (4, 4, 0, 0, 1.0)  # retention 100% from not_retained 0, pending 0
        for table, values in (
            ("retention_3_months", retention),
            ("transfer_outcomes", transfers),
            ("nice_concordance", concordance),
            ("waiting_times", waiting),
        ):
            _additive_with_rates(con, table, month, values)
    for window_end in (date(2024, 12, 31), date(2025, 1, 31)):
        start = (
            date(window_end.year - 1, window_end.month + 1, 1) if window_end.month < 12 else date(window_end.year, 1, 1)
        )
        for la in las:
            for group in SUBSTANCES:
                in_treatment = small() + 3
                completed = rng.randint(0, in_treatment)
                cnr = rng.randint(0, completed)
                died = rng.choice([0, 0, 1])
                con.execute(
                    "insert into marts.successful_completions values (?, ?, 'la', ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        start,
                        window_end,
                        la,
                        group,
                        in_treatment,
                        completed,
                        cnr,
                        completed - cnr,
                        died,
                        cnr / in_treatment,
                    ],
                )
    con.execute(
        """
        insert into marts.successful_completions
        select period_start, period_end, 'la', geography_code, 'all', sum(in_treatment), sum(completed),
               sum(completed_not_re_presented), sum(re_presented), sum(died),
               sum(completed_not_re_presented) / sum(in_treatment)
        from marts.successful_completions group by all
        """
    )
    region_of = {la: r for r, ls in GEOGRAPHY.items() for la in ls}
    con.execute(
        "create temp table region_of as select unnest($k) as la, unnest($v) as region",
        {"k": list(region_of), "v": list(region_of.values())},
    )
    for level, parent in (("region", "region_of.region"), ("national", f"'{ENGLAND_CODE}'")):
        source = "la" if level == "region" else "region"
        join = "join region_of on region_of.la = geography_code" if level == "region" else ""
        con.execute(
            f"""
            insert into marts.successful_completions
            select period_start, period_end, '{level}', {parent}, substance_group, sum(in_treatment),
                   sum(completed), sum(completed_not_re_presented), sum(re_presented), sum(died),
                   sum(completed_not_re_presented) / sum(in_treatment)
            from marts.successful_completions {join}
            where geography_level = '{source}' group by all
            """
        )


def _additive_with_rates(con: duckdb.DuckDBPyConnection, table: str, month: date, values: dict[str, tuple]) -> None:
    """LA rows as given; region and England rows are the sums, with their rates recomputed."""
    columns = [r[0] for r in con.execute(f"select * from marts.{table} limit 0").description][3:]
    n = len(columns)
    placeholders = ", ".join("?" for _ in range(n + 3))
    region_of = {la: r for r, ls in GEOGRAPHY.items() for la in ls}
    sums: dict[tuple[str, str], list[int]] = {}
    counts = [
        c
        for c in columns
        if c not in ("retention_rate", "pickup_rate", "share", "share_within_3_weeks", "median_wait_days")
    ]
    for la, row in values.items():
        con.execute(f"insert into marts.{table} values ({placeholders})", [month, "la", la, *row])
        for geo in (("region", region_of[la]), ("national", ENGLAND_CODE)):
            sums.setdefault(geo, [0] * len(counts))
            sums[geo] = [x + y for x, y in zip(sums[geo], row[: len(counts)], strict=True)]
    for (level, code), total in sums.items():
        v = dict(zip(counts, total, strict=True))
        rates = _rates(table, v)
        con.execute(f"insert into marts.{table} values ({placeholders})", [month, level, code, *total, *rates])


@pytest.fixture(scope="module")
def reference_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reference") / "la_regions.csv"
    lines = ["la_code,la_name,region_code,region_name"]
    lines += [f"{la},LA {la},{region},Region {region}" for region, las in GEOGRAPHY.items() for la in las]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _publish_crafted(seed: int, out: Path, reference_csv: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    _crafted(con, seed)
    publish_all_regions(con, JULY, out, months_back=3, la_regions_csv=reference_csv)
    return con


@pytest.mark.parametrize("seed", [1, 2])
def test_attacker_recovers_nothing_from_crafted_packs(seed: int, tmp_path: Path, reference_csv: Path) -> None:
    con = _publish_crafted(seed, tmp_path, reference_csv)
    month_dir = tmp_path / "2025-07"
    assert attack(month_dir, con, regions_of(reference_csv)) == []
    # the holes are closed by suppressing the zeros that gave the rates away
    transfers = read_packs(month_dir)["transfer_outcomes"].rows
    hole = transfers[(("2025-07-01",), "", "la", "E06000001")]
    assert hole["pickup_rate_percent_suppressed"] == "true" and hole["lost_suppressed"] == "true"
    retention = read_packs(month_dir)["retention_3_months"].rows[(("2025-07-01",), "", "la", "E06000002")]
    assert retention["retention_rate_percent_suppressed"] == "true" and retention["not_retained_suppressed"] == "true"
    qs8b = read_packs(month_dir)["qs8_measures"].rows[
        (("month", "2025-07-01", "2025-07-31", "qs8b"), "", "la", "E06000001")
    ]
    assert qs8b["rate_percent_suppressed"] == "true" and qs8b["numerator_suppressed"] == "true"
    # the v2 indicators are published with the same control, and charted
    ne = month_dir / NE
    assert (ne / "waiting_times.csv").exists() and (ne / "successful_completions.csv").exists()
    html = (ne / "index.html").read_text(encoding="utf-8")
    assert html.count("<svg viewBox") == 6 and "Waits within 3 weeks" in html and "Successful completions" in html


def test_attacker_finds_the_holes_of_the_old_rules(
    tmp_path: Path, reference_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attacker can fail: without the zero rule it recovers the issue's suppressed rates."""
    monkeypatch.setattr("orchestration.publication.cells.rate_input_sets", lambda table: [])
    con = _publish_crafted(1, tmp_path, reference_csv)
    found = attack(tmp_path / "2025-07", con, regions_of(reference_csv))
    assert "transfer_outcomes ('2025-07-01',)  E06000001 pickup_rate_percent: 100% (rest of the denominator 0)" in found
    assert "retention_3_months ('2025-07-01',)  E06000002 retention_rate_percent: 100% (rest of the denominator 0)" in (
        found
    )
    qs8b = "qs8_measures ('month', '2025-07-01', '2025-07-31', 'qs8b')  E06000001 rate_percent: 0% (numerator 0)"
    assert qs8b in found


def _rates(table: str, v: dict[str, int]) -> list[float | None]:
    def share(a: int, b: int) -> float | None:
        return a / b if b else None

    return {
        "retention_3_months": lambda: [share(v["retained"], v["retained"] + v["not_retained"])],
        "transfer_outcomes": lambda: [share(v["picked_up"], v["picked_up"] + v["lost"])],
        "nice_concordance": lambda: [share(v["second_line_first"], v["journeys_with_psychosocial"])],
        "waiting_times": lambda: [share(v["within_3_weeks"], v["started"]), 20.0],
    }[table]()


def test_the_audit_finds_cells_pinned_down_only_by_combining_constraints() -> None:
    """No constraint has a single suppressed cell, yet together they determine every one of them:
    A: c1 = c2 + c3, B: c2 = c3 + c5, C: c1 = c3 + c4 (c4, c5 published) give c3 = c4 - c5, then c1 and c2."""
    con = duckdb.connect()
    con.execute(
        """
        create table cells as
        select * from (values (1, 'g', true), (2, 'g', true), (3, 'g', true), (4, 'g', false), (5, 'g', false),
                              (6, 'h', true), (7, 'h', true))
            as t(_cell_id, cell_group, suppressed);
        create table members as
        select * from (values ('g', 'A', 'total', 1), ('g', 'A', 'part', 2), ('g', 'A', 'part', 3),
                              ('g', 'B', 'total', 2), ('g', 'B', 'part', 3), ('g', 'B', 'part', 5),
                              ('g', 'C', 'total', 1), ('g', 'C', 'part', 3), ('g', 'C', 'part', 4),
                              ('h', 'D', 'total', 6), ('h', 'D', 'part', 7), ('h', 'D', 'part', 8))
            as t(cell_group, constraint_id, role, _cell_id);
        """
    )
    found = determined_cells(con, "cells", "members")
    assert sorted(r[0] for r in con.execute(f"select _cell_id from {found}").fetchall()) == [1, 2, 3]
    con.execute("update cells set suppressed = true where _cell_id = 4")  # now c4 is unknown too: nothing pinned
    found = determined_cells(con, "cells", "members")
    assert con.execute(f"select count(*) from {found}").fetchall()[0][0] == 0
