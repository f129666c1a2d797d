"""The small tables and series the HTML summary shows, queried from one region's published temp tables.

Only published (already suppressed) values are read, so the HTML can never show more than the CSVs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.publication.cells import out_table
from orchestration.publication.charts import Series
from orchestration.publication.reference import ENGLAND_CODE, ENGLAND_NAME, GEO_TABLE
from orchestration.publication.sqltext import date_literal, quote
from orchestration.publication.tables import CONCORDANCE, QS8_MEASURES, RETENTION, TRANSFERS, MartTable

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
REGION_COLOUR = "#1d4f91"
ENGLAND_COLOUR = "#b35806"


def month_label(month: date, short: bool = False) -> str:
    name = MONTH_NAMES[month.month - 1]
    return f"{name[:3]} {month.year % 100:02d}" if short else f"{name} {month.year}"


# ----------------------------------------------------------------------------------------------- chart series


def rate_series(
    con: duckdb.DuckDBPyConnection,
    table: MartTable,
    months: list[date],
    region_code: str,
    region_name: str,
    predicate: str = "true",
) -> list[Series]:
    """The table's rate by month for the region and England (a gap where there is no published value)."""
    rows = con.execute(
        f"""
        select geography_level, {table.period_column}, {table.rate.name}, {table.rate.name}_suppressed
        from {out_table(table)}
        where {predicate}
          and ((geography_level = 'region' and geography_code = ?) or geography_level = 'national')
        """,
        [region_code],
    ).fetchall()
    found = {(level, month): (rate, hidden) for level, month, rate, hidden in rows}
    result = []
    for level, label, colour, dashed in (
        ("region", region_name, REGION_COLOUR, False),
        ("national", ENGLAND_NAME, ENGLAND_COLOUR, True),
    ):
        points = [found.get((level, m), (None, False)) for m in months]
        result.append(
            Series(
                label=label,
                values=tuple(None if p[0] is None else float(p[0]) for p in points),
                suppressed=tuple(bool(p[1]) for p in points),
                colour=colour,
                dashed=dashed,
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


@dataclass(frozen=True)
class HtmlTable:
    caption: str
    groups: tuple[tuple[str, int], ...]  # header groups: (label, span)
    headers: tuple[str, ...]
    rows: tuple[tuple[HtmlCell, ...], ...]


def _format(value: float | None, hidden: bool, is_rate: bool) -> HtmlCell:
    if hidden:
        return HtmlCell("*", "suppressed", "not available (suppressed)")
    if value is None:
        return HtmlCell("–", "missing")
    if is_rate:
        return HtmlCell(f"{value * 100:.1f}%", "number")
    return HtmlCell(f"{int(value):,}", "number")


def geography_table(
    con: duckdb.DuckDBPyConnection,
    region_code: str,
    caption: str,
    groups: tuple[tuple[str, int], ...],
    sources: tuple[Source, ...],
    columns: tuple[Column, ...],
) -> HtmlTable:
    """One row for England, the region and each of the region's LAs (all of them, with or without data)."""
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
            select 2, 'la', la_code, la_name from {GEO_TABLE} where region_code = $region
        )
        select geos.name, {selected}
        from geos
        {joins}
        order by geos.rank, geos.name, geos.code
        """,
        {"region": region_code},
    ).fetchall()
    html_rows = []
    for row in rows:
        cells = [HtmlCell(str(row[0]), "name")]
        for i, column in enumerate(columns):
            cells.append(_format(row[1 + 2 * i], bool(row[2 + 2 * i]), column.is_rate))
        html_rows.append(tuple(cells))
    return HtmlTable(caption, groups, tuple(c.header for c in columns), tuple(html_rows))


def latest_month_table(con: duckdb.DuckDBPyConnection, region_code: str, month: date) -> HtmlTable:
    m = date_literal(month)
    return geography_table(
        con,
        region_code,
        f"QS8 and transfers, {month_label(month)}",
        (("QS8 (a) formal psychosocial interventions", 3), ("QS8 (b) psychological treatment", 3), ("Transfers", 4)),
        (
            Source("a", QS8_MEASURES, f"a.measure = 'qs8a' and a.period_type = 'month' and a.period_start = {m}"),
            Source("b", QS8_MEASURES, f"b.measure = 'qs8b' and b.period_type = 'month' and b.period_start = {m}"),
            Source("t", TRANSFERS, f"t.month = {m}"),
        ),
        (
            Column("In treatment", "a", "denominator"),
            Column("Receiving", "a", "numerator"),
            Column("Rate", "a", "rate", is_rate=True),
            Column("With depression/anxiety", "b", "denominator"),
            Column("Receiving", "b", "numerator"),
            Column("Rate", "b", "rate", is_rate=True),
            Column("Transfers", "t", "transfers"),
            Column("Picked up", "t", "picked_up"),
            Column("Lost", "t", "lost"),
            Column("Pick-up rate", "t", "pickup_rate", is_rate=True),
        ),
    )


def financial_year_table(con: duckdb.DuckDBPyConnection, region_code: str, fy_start: date, label: str) -> HtmlTable:
    fy = f"period_type = 'financial_year' and period_start = {date_literal(fy_start)}"
    return geography_table(
        con,
        region_code,
        f"QS8, financial year {label}",
        (("QS8 (a) formal psychosocial interventions", 3), ("QS8 (b) psychological treatment", 3)),
        (
            Source("a", QS8_MEASURES, f"a.measure = 'qs8a' and a.{fy.replace(' and ', ' and a.')}"),
            Source("b", QS8_MEASURES, f"b.measure = 'qs8b' and b.{fy.replace(' and ', ' and b.')}"),
        ),
        (
            Column("In treatment", "a", "denominator"),
            Column("Receiving", "a", "numerator"),
            Column("Rate", "a", "rate", is_rate=True),
            Column("With depression/anxiety", "b", "denominator"),
            Column("Receiving", "b", "numerator"),
            Column("Rate", "b", "rate", is_rate=True),
        ),
    )


def cohort_table(con: duckdb.DuckDBPyConnection, region_code: str, cohort: date) -> HtmlTable:
    c = date_literal(cohort)
    return geography_table(
        con,
        region_code,
        f"Retention at 12 weeks and NICE first-line concordance, journeys starting in {month_label(cohort)}",
        (("Retention at 12 weeks", 5), ("NICE concordance", 3)),
        (
            Source("r", RETENTION, f"r.cohort_month = {c}"),
            Source("n", CONCORDANCE, f"n.cohort_month = {c}"),
        ),
        (
            Column("New presentations", "r", "new_presentations"),
            Column("Retained", "r", "retained"),
            Column("Not retained", "r", "not_retained"),
            Column("Pending", "r", "pending"),
            Column("Retention rate", "r", "retention_rate", is_rate=True),
            Column("With psychosocial", "n", "journeys_with_psychosocial"),
            Column("Second-line first", "n", "second_line_first"),
            Column("Share", "n", "share", is_rate=True),
        ),
    )
