"""An attacker against the published packs: can any suppressed value be worked out from what is published?

The attacker reads every pack of a month (all regions: England appears in each), knows the public LA → region
lookup and the published rules, and is given every additive identity that truly holds in the data (the test
checks each candidate against marts): row identities (transfers = picked_up + lost + pending, ...), substance
groups (all = the others), region = the sum of its LAs, England = the sum of the regions. For each cell group it
solves the linear programme "published values + identities + counts >= 0 (+ numerator <= denominator)" for the
smallest and largest possible value of every suppressed count: a suppressed count is recovered when only one
integer fits. A suppressed percentage is recovered when its numerator is 0 for sure (0%), when the rest of its
denominator is 0 for sure (100%), or when numerator and denominator are both recovered; a published percentage
beside a suppressed input would give the input away. It runs on crafted data with the known holes (North East,
July 2025 transfers *, picked up *, lost 0, pending 0; a retention row with not_retained 0 and pending 0; a QS8 (b)
row with numerator 0) and on packs of a demo-like pipeline run.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components
from test_publication import MARTS_DDL

from orchestration.publication import publish_all_regions
from orchestration.publication.audit import determined_cells
from orchestration.publication.regions import ENGLAND_CODE
from orchestration.publication.tables import ALL_TABLES, MartTable, Rate

# Percentages whose denominator is the sum of the numerator and one other count (a / (a + b)); the others are
# numerator / denominator.
SUM_DENOMINATOR = {"retention_rate", "pickup_rate", "share_within_3_weeks"}
# numerator <= denominator within a row (subsets), known to any reader of the definitions
SUBSETS = {
    "qs8_measures": (("numerator", "denominator"),),
    "nice_concordance": (("second_line_first", "journeys_with_psychosocial"),),
    "successful_completions": (("completed", "in_treatment"), ("died", "in_treatment")),
}
Key = tuple[str, ...]  # the row's key columns except the geography


@dataclass
class Published:
    """One table of all packs of a month: rows by (group key, category, level, code)."""

    table: MartTable
    rows: dict[tuple[Key, str, str, str], dict[str, str]]


def _group_columns(table: MartTable) -> list[str]:
    keys = [c.name for c in table.leading_columns if c.name not in ("provisional", "complete")]
    return [c for c in keys if c != table.category_column]


def read_packs(month_dir: Path) -> dict[str, Published]:
    tables: dict[str, Published] = {}
    for table in ALL_TABLES:
        rows: dict[tuple[Key, str, str, str], dict[str, str]] = {}
        for path in sorted(month_dir.glob(f"*/{table.file_name}")):
            with path.open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    key = tuple(row[c] for c in _group_columns(table))
                    category = row[table.category_column] if table.category_column else ""
                    ident = (key, category, row["geography_level"], row["geography_code"])
                    assert rows.setdefault(ident, row) == row, f"packs disagree about {table.name} {ident}"
        if rows:
            tables[table.name] = Published(table, rows)
    return tables


def _truth(con: duckdb.DuckDBPyConnection, table: MartTable) -> dict[tuple[Key, str, str, str], dict[str, int]]:
    columns = _group_columns(table)
    category = table.category_column or "''"
    select = ", ".join(f"{c}::varchar" for c in columns)
    counts = ", ".join(table.count_names)
    found = {}
    for row in con.execute(
        f"select {select}, {category}, geography_level, geography_code, {counts} from marts.{table.name}"
    ).fetchall():
        n = len(columns)
        found[(tuple(row[:n]), row[n], row[n + 1], row[n + 2])] = dict(
            zip(table.count_names, row[n + 3 :], strict=True)
        )
    return found


def _identities(
    table: MartTable, key: Key, geos: list[tuple[str, str]], regions: dict[str, list[str]]
) -> list[tuple[tuple[str, str, str, str], list[tuple[str, str, str, str]]]]:
    """Candidate identities of one group as (total cell, part cells); a cell is (category, level, code, column)."""
    categories = table.categories or ("",)
    found = []
    for category in categories:
        for level, code in geos:
            for total, parts in table.row_totals:
                found.append(((category, level, code, total), [(category, level, code, p) for p in parts]))
            if table.category_column and category == table.category_total:
                others = [k for k in categories if k != category]
                for c in table.count_names:
                    found.append(((category, level, code, c), [(k, level, code, c) for k in others]))
        for c in table.count_names:
            for region, las in regions.items():
                found.append(((category, "region", region, c), [(category, "la", la, c) for la in las]))
            found.append(((category, "national", ENGLAND_CODE, c), [(category, "region", r, c) for r in regions]))
    return found


Cell = tuple[str, str, str, str]  # (category, level, code, column)


BIG = 1e7  # a box for the linear programmes (no count comes near it), so none is unbounded


def _solve(system: tuple, objective: np.ndarray) -> np.ndarray:
    a_eq, b_eq, a_ub, b_ub = system
    result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, BIG), method="highs")
    assert result.status == 0, result.message  # the published figures are consistent, so always feasible
    return result.x


def _ranges(system: tuple, size: int, seed: int, wanted: list[bool]) -> list[tuple[float, float]]:
    """The spread of each variable over feasible solutions: exact when it is a single value (then the variable's
    own minimum and maximum were solved for), otherwise a part of its range (it is certainly not pinned down).
    Solutions for a few varied objectives come first; each later solution widens every variable's spread."""
    rng = np.random.default_rng(seed)
    directions = [np.ones(size), -np.ones(size), rng.standard_normal(size)]
    directions.append(-directions[-1])
    samples = np.array([_solve(system, d) for d in directions])
    low, high = samples.min(axis=0), samples.max(axis=0)
    for i in (i for i in range(size) if wanted[i]):  # exact only where it is asked for
        for sign in (-1, 1):  # every solution found also widens the known spread of the other variables
            if high[i] - low[i] < 0.5:
                x = _solve(system, sign * np.eye(size)[i])
                low, high = np.minimum(low, x), np.maximum(high, x)
    return list(zip(low.tolist(), high.tolist(), strict=True))


def _one_integer(low: float, high: float) -> bool:
    return bool(np.ceil(low - 1e-6) == np.floor(high + 1e-6))


def _linear_row(
    terms: list[tuple[Cell, int]], cells: dict[Cell, int | None], index: dict[Cell, int]
) -> tuple[np.ndarray, float]:
    """sum(sign * cell) as (coefficients over the unknowns, constant moved to the right-hand side)."""
    row = np.zeros(len(index))
    constant = 0.0
    for cell, sign in terms:
        value = cells.get(cell, 0)  # a row the packs do not have is an area without data: 0
        if value is None:
            row[index[cell]] += sign
        else:
            constant -= sign * value
    return row, constant


def _group_ranges(
    table: MartTable,
    key: Key,
    cells: dict[Cell, int | None],
    truth: dict,
    regions: dict[str, list[str]],
    unpublished_cells: set[Cell],
) -> dict[Cell, tuple[float, float]]:
    """The smallest and largest value of every suppressed cell of one group, given everything published
    (``unpublished_cells``: unknowns that are not in the packs at all; only their spread is computed)."""
    unknown = sorted(c for c, v in cells.items() if v is None)
    unpublished = set(unpublished_cells)
    index = {c: i for i, c in enumerate(unknown)}

    def true_value(cell: Cell) -> int:
        category, level, code, column = cell
        return int(truth.get((key, category, level, code), {}).get(column) or 0)

    eq_rows, eq_b = [], []
    geos = sorted({(level, code) for _, level, code, _ in cells})
    for total, parts in _identities(table, key, geos, regions):
        if true_value(total) != sum(true_value(p) for p in parts):
            continue  # does not hold in these data (e.g. distinct people across LAs): not usable
        row, constant = _linear_row([(total, 1), *((p, -1) for p in parts)], cells, index)
        if row.any():
            eq_rows.append(row)
            eq_b.append(constant)
    ub_rows, ub_b = [], []
    for part, whole in SUBSETS.get(table.name, ()):
        for category, level, code, column in unknown:
            if column in (part, whole):
                terms = [((category, level, code, part), 1), ((category, level, code, whole), -1)]
                row, constant = _linear_row(terms, cells, index)
                ub_rows.append(row)
                ub_b.append(constant)
    # Solve each connected part of the system on its own (cells linked by a shared equation or inequality).
    rows = [(r, b, True) for r, b in zip(eq_rows, eq_b, strict=True)]
    rows += [(r, b, False) for r, b in zip(ub_rows, ub_b, strict=True)]
    links = np.zeros((len(unknown), len(unknown)), dtype=bool)
    for r, _, _ in rows:
        used = np.flatnonzero(r)
        links[np.ix_(used, used)] = True
    _, component = connected_components(links, directed=False)
    ranges: dict[Cell, tuple[float, float]] = {}
    for part in range(component.max() + 1 if len(unknown) else 0):
        members = np.flatnonzero(component == part)
        mine = [(r[members], b, eq) for r, b, eq in rows if r[members].any()]
        if not mine:  # in no usable equation: anything from 0 up
            ranges.update({unknown[i]: (0.0, float("inf")) for i in members})
            continue
        eq = [(r, b) for r, b, is_eq in mine if is_eq]
        ub = [(r, b) for r, b, is_eq in mine if not is_eq]
        system = (
            np.array([r for r, _ in eq]) if eq else None,
            np.array([b for _, b in eq]) if eq else None,
            np.array([r for r, _ in ub]) if ub else None,
            np.array([b for _, b in ub]) if ub else None,
        )
        wanted = [unknown[i] not in unpublished for i in members]
        for i, bounds in zip(members, _ranges(system, len(members), part, wanted), strict=True):
            ranges[unknown[i]] = bounds
    return ranges


def _rate_leak(rate: Rate, row: dict[str, str], ranges: dict[Cell, tuple[float, float]], cell: Cell) -> str:
    """How a suppressed percentage of ``row`` can be worked out, or ''."""

    def bounds(column: str) -> tuple[float, float]:
        if row[f"{column}_suppressed"] == "false":
            return float(row[column]), float(row[column])
        return ranges.get((*cell[:3], column), (0.0, float("inf")))

    (a_low, a_high), (b_low, b_high) = bounds(rate.inputs[0]), bounds(rate.inputs[1])
    if a_high < 0.5:
        return "0% (numerator 0)"
    if rate.source in SUM_DENOMINATOR and b_high < 0.5:
        return "100% (rest of the denominator 0)"
    if _one_integer(a_low, a_high) and _one_integer(b_low, b_high):
        return "numerator and denominator both recovered"
    return ""


def attack(month_dir: Path, con: duckdb.DuckDBPyConnection, regions: dict[str, list[str]]) -> list[str]:
    """Every suppressed value the attacker recovers, described; empty when the packs hold."""
    recovered: list[str] = []
    for name, published in read_packs(month_dir).items():
        table = published.table
        truth = _truth(con, table)
        groups: dict[Key, dict[Cell, int | None]] = defaultdict(dict)
        for (key, category, level, code), row in published.rows.items():
            for c in table.count_names:
                groups[key][(category, level, code, c)] = None if row[f"{c}_suppressed"] == "true" else int(row[c])
            for rate in table.rates:  # a published rate beside a suppressed input gives the input away
                if row[f"{rate.name}_suppressed"] == "false" and row[rate.name] != "":
                    hidden = [i for i in rate.inputs if row[f"{i}_suppressed"] == "true"]
                    assert not hidden, f"{name} {key} {code}: {rate.name} published with {hidden} suppressed"
        unpublished: dict[Key, set[Cell]] = defaultdict(set)
        for key, cells in groups.items():  # LA rows of substance groups are not published: unknown, not 0
            for _, level, code, column in [c for c in cells if c[0] == table.category_total and c[1] == "la"]:
                for other in table.categories:
                    if (other, level, code, column) not in cells:
                        cells[(other, level, code, column)] = None
                        unpublished[key].add((other, level, code, column))
        ranges = {
            key: _group_ranges(table, key, cells, truth, regions, unpublished[key]) for key, cells in groups.items()
        }
        for key, found in ranges.items():
            recovered += [
                f"{name} {key} {cell}: {low:g}"
                for cell, (low, high) in found.items()
                if _one_integer(low, high) and (key, *cell[:3]) in published.rows
            ]
        for (key, category, level, code), row in published.rows.items():
            for rate in table.rates:
                if rate.unit == "percent" and row[f"{rate.name}_suppressed"] == "true":
                    leak = _rate_leak(rate, row, ranges[key], (category, level, code, ""))
                    if leak:
                        recovered.append(f"{name} {key} {category} {code} {rate.name}: {leak}")
    return recovered


def regions_of(csv_path: Path) -> dict[str, list[str]]:
    regions: dict[str, list[str]] = defaultdict(list)
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regions[row["region_code"]].append(row["la_code"])
    return dict(regions)


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
