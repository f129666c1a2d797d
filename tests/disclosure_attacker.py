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
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

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
