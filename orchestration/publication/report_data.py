"""The small tables and series the HTML summary shows, queried from one region's published temp tables.

Only published (already suppressed) values are read, so the HTML can never show more than the CSVs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.publication.cells import out_table
from orchestration.publication.charts import Axes, Series
from orchestration.publication.regions import ENGLAND_CODE, ENGLAND_NAME, GEO_TABLE
from orchestration.publication.sqltext import date_literal, quote
from orchestration.publication.tables import CONCORDANCE, QS8_MEASURES, RETENTION, TRANSFERS, MartTable

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
REGION_COLOUR = "#1d4f91"
ENGLAND_COLOUR = "#b35806"


def month_label(month: date, short: bool = False) -> str:
    """``June 2026`` (``Jun 2026`` when ``short``)."""
    name = MONTH_NAMES[month.month - 1]
    return f"{name[:3]} {month.year % 100:02d}" if short else f"{name} {month.year}"


# ----------------------------------------------------------------------------------------------- chart series


@dataclass(frozen=True)
class ChartSpec:
    """One chart: a rate of a table for the region beside England, with what its axes say."""

    table: MartTable
    axes: Axes
    numerator: str  # SQL on the published row: the count the percentage is of
    denominator: str  # SQL on the published row: the denominator
    denominator_text: str  # said under the chart
    predicate: str = "true"
    bars: bool = False
    by_window: bool = False  # x = the 12-month windows ending in the window's months (period_end)
    rate: int = 0  # which of the table's rates

    @property
    def provisional_sql(self) -> str:
        """SQL for whether each charted point is provisional."""
        if self.table.period_type_column:
            return "not complete"
        return "provisional" if self.table.provisional_when else "false"


def chart_keys(con: duckdb.DuckDBPyConnection, spec: ChartSpec, months: list[date]) -> list[date]:
    """The x positions: the window's months, or the rolling windows present (by their end date)."""
    if not spec.by_window:
        return months
    rows = con.execute(
        f"select distinct {spec.table.period_column} from {out_table(spec.table)} where {spec.predicate} order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def rate_series(
    con: duckdb.DuckDBPyConnection,
    spec: ChartSpec,
    keys: list[date],
    region_code: str,
    region_name: str,
    region_has_data: bool = True,
) -> list[Series]:
    """The chart's percentage per x key for the region (when it has data) and England."""
    table, rate = spec.table, spec.table.rates[spec.rate]
    rows = con.execute(
        f"""
        select geography_level, {table.period_column}, {rate.name}, {rate.name}_suppressed,
               {spec.numerator}, {spec.denominator}, {spec.provisional_sql}
        from {out_table(table)}
        where {spec.predicate}
          and ((geography_level = 'region' and geography_code = ?) or geography_level = 'national')
        """,
        [region_code],
    ).fetchall()
    found = {(level, key): tuple(rest) for level, key, *rest in rows}
    geographies = [("national", ENGLAND_NAME, ENGLAND_COLOUR, True)]
    if region_has_data:
        geographies.insert(0, ("region", region_name, REGION_COLOUR, False))
    result = []
    for level, label, colour, dashed in geographies:
        points = [found.get((level, k), (None, False, None, None, False)) for k in keys]
        result.append(
            Series(
                label=label,
                values=tuple(None if p[0] is None else float(p[0]) for p in points),
                suppressed=tuple(bool(p[1]) for p in points),
                colour=colour,
                dashed=dashed,
                provisional=tuple(bool(p[4]) for p in points),
                counts=tuple((p[2], p[3]) for p in points),
            )
        )
    return result


# ------------------------------------------------------------------------------------------------ HTML tables


@dataclass(frozen=True)
class Column:
    header: str
    source: str  # alias of a source below
    column: str
    is_rate: bool = False


@dataclass(frozen=True)
class Source:
    alias: str
    table: MartTable
    predicate: str  # on the alias, e.g. "q.measure = 'qs8a'"


@dataclass(frozen=True)
class HtmlCell:
    text: str
    css: str = ""
    title: str = ""
    colspan: int = 1


@dataclass(frozen=True)
class HtmlTable:
    caption: str
    groups: tuple[tuple[str, int], ...]  # header groups: (label, span)
    headers: tuple[str, ...]
    rows: tuple[tuple[HtmlCell, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Areas:
    """The pack's areas: the region (with or without data) and its LAs with data (the others are listed)."""

    region_code: str
    region_name: str
    region_has_data: bool
    las_with_data: tuple[str, ...]


SUPPRESSED_TITLE = "suppressed for disclosure control (not zero)"


def _format(value: float | None, hidden: bool, is_rate: bool) -> HtmlCell:
    if hidden:
        return HtmlCell("*", "suppressed", SUPPRESSED_TITLE)
    if value is None:
        return HtmlCell("–", "missing", "no one to count (no denominator)" if is_rate else "no figure")
    if is_rate:
        return HtmlCell(f"{value:.1f}%", "number")
    return HtmlCell(f"{int(value):,}", "number")


def geography_table(
    con: duckdb.DuckDBPyConnection,
    areas: Areas,
    caption: str,
    groups: tuple[tuple[str, int], ...],
    sources: tuple[Source, ...],
    columns: tuple[Column, ...],
    note: str = "",
) -> HtmlTable:
    """One row for England, the region and each of its LAs with data. A region without data gets one row that
    says so (never a row of empty cells); LAs without data are listed under the tables, not drawn as empty."""
    joins = "\n".join(
        f"left join {out_table(s.table)} as {s.alias} on {s.alias}.geography_level = geos.level"
        f" and {s.alias}.geography_code = geos.code and {s.predicate}"
        for s in sources
    )
    selected = ", ".join(f"{c.source}.{c.column}, {c.source}.{c.column}_suppressed" for c in columns)
    rows = con.execute(
        f"""
        with geos as (
            select 0 as rank, 'national' as level, {quote(ENGLAND_CODE)} as code, {quote(ENGLAND_NAME)} as name
            union all
            select distinct 1, 'region', region_code, region_name from {GEO_TABLE} where region_code = $region
            union all
            select 2, 'la', la_code, la_name from {GEO_TABLE}
            where region_code = $region and list_contains($las, la_code)
        )
        select geos.level, geos.name, {selected}
        from geos
        {joins}
        order by geos.rank, geos.name, geos.code
        """,
        {"region": areas.region_code, "las": list(areas.las_with_data)},
    ).fetchall()
    html_rows = []
    for row in rows:
        cells = [HtmlCell(str(row[1]), "name")]
        if row[0] == "region" and not areas.region_has_data:
            cells.append(HtmlCell("No data for this region", "no-data", colspan=len(columns)))
        else:
            for i, column in enumerate(columns):
                cells.append(_format(row[2 + 2 * i], bool(row[3 + 2 * i]), column.is_rate))
        html_rows.append(tuple(cells))
    return HtmlTable(caption, groups, tuple(c.header for c in columns), tuple(html_rows), note)


QS8_COLUMNS = ("In treatment", "Receiving", "%"), ("With depression or anxiety", "Receiving", "%")


def _qs8_columns(*aliases: str) -> tuple[Column, ...]:
    columns: list[Column] = []
    for alias, headers in zip(aliases, QS8_COLUMNS, strict=True):
        columns += [
            Column(headers[0], alias, "denominator"),
            Column(headers[1], alias, "numerator"),
            Column(headers[2], alias, "rate_percent", is_rate=True),
        ]
    return tuple(columns)


QS8A_NAME = "QS8 (a) formal psychosocial interventions"
QS8B_NAME = "QS8 (b) psychological treatment for depression or anxiety"


def latest_month_table(con: duckdb.DuckDBPyConnection, areas: Areas, month: date) -> HtmlTable:
    """The headline table for the latest month, one row per area."""
    m = date_literal(month)
    return geography_table(
        con,
        areas,
        f"{QS8A_NAME}, {QS8B_NAME} and {TRANSFERS.measure_name}, {month_label(month)}",
        ((QS8A_NAME, 3), (QS8B_NAME, 3), (TRANSFERS.measure_name, 4)),
        (
            Source("a", QS8_MEASURES, f"a.measure = 'qs8a' and a.period_type = 'month' and a.period_start = {m}"),
            Source("b", QS8_MEASURES, f"b.measure = 'qs8b' and b.period_type = 'month' and b.period_start = {m}"),
            Source("t", TRANSFERS, f"t.month = {m}"),
        ),
        (
            *_qs8_columns("a", "b"),
            Column("Transfers", "t", "transfers"),
            Column("Picked up", "t", "picked_up"),
            Column("Lost", "t", "lost"),
            Column("% of picked up + lost", "t", "pickup_rate_percent", is_rate=True),
        ),
    )


def financial_year_table(
    con: duckdb.DuckDBPyConnection, areas: Areas, fy_start: date, label: str, note: str
) -> HtmlTable:
    """The financial-year-to-date table, one row per area."""
    return geography_table(
        con,
        areas,
        f"{QS8A_NAME} and {QS8B_NAME}, financial year {label}",
        ((QS8A_NAME, 3), (QS8B_NAME, 3)),
        tuple(
            Source(
                alias,
                QS8_MEASURES,
                f"{alias}.measure = '{measure}' and {alias}.period_type = 'financial_year'"
                f" and {alias}.period_start = {date_literal(fy_start)}",
            )
            for alias, measure in (("a", "qs8a"), ("b", "qs8b"))
        ),
        _qs8_columns("a", "b"),
        note,
    )


def cohort_table(con: duckdb.DuckDBPyConnection, areas: Areas, cohort: date, note: str) -> HtmlTable:
    """The cohort table (journeys starting in ``cohort``), one row per area."""
    c = date_literal(cohort)
    return geography_table(
        con,
        areas,
        f"{RETENTION.measure_name.capitalize()} and {CONCORDANCE.measure_name}, journeys starting in "
        f"{month_label(cohort)}",
        ((RETENTION.measure_name.capitalize(), 5), (CONCORDANCE.measure_name.capitalize(), 3)),
        (
            Source("r", RETENTION, f"r.cohort_month = {c}"),
            Source("n", CONCORDANCE, f"n.cohort_month = {c}"),
        ),
        (
            Column("New presentations", "r", "new_presentations"),
            Column("Retained", "r", "retained"),
            Column("Not retained", "r", "not_retained"),
            Column("Pending", "r", "pending"),
            Column("% of retained + not retained", "r", "retention_rate_percent", is_rate=True),
            Column("With psychosocial", "n", "journeys_with_psychosocial"),
            Column("Second-line first", "n", "second_line_first"),
            Column("% of with psychosocial", "n", "share_percent", is_rate=True),
        ),
        note,
    )
