"""Render a pack's ``index.html`` from one region's published temp tables."""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import jinja2

from orchestration.publication import report_data
from orchestration.publication.charts import Axes, bar_chart, line_chart
from orchestration.publication.release import SYNTHETIC_STATEMENT, ReleaseInfo, long_date
from orchestration.publication.report_data import QS8A_NAME, QS8B_NAME, Areas, ChartSpec, month_label
from orchestration.publication.reporting_window import Window, add_months
from orchestration.publication.tables import (
    PERCENT_DECIMALS,
    RETENTION,
    SUCCESSFUL_COMPLETIONS,
    TRANSFERS,
    WAITING_TIMES,
    MartTable,
)
from orchestration.publication.template import INDEX_TEMPLATE

PACK_FORMAT = "journeys regional publication pack v2"
QS8 = "qs8_measures"


def generator() -> str:
    """The software that wrote the pack (a fact about the code, not the clock, so packs stay diffable)."""
    try:
        return f"journeys {importlib.metadata.version('journeys')}"
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "journeys (version unknown)"


@dataclass(frozen=True)
class FileFacts:
    name: str
    rows: int
    suppressed: int


@dataclass(frozen=True)
class PackFacts:
    """Everything the page and the manifest say about one pack besides its tables."""

    region_code: str
    region_name: str
    window: Window
    data_as_of: date
    tables: tuple[MartTable, ...]
    release: ReleaseInfo
    published: date
    next_release: date
    region_has_data: bool
    las_with_data: list[str]
    las_without_data: list[str]
    la_names: dict[str, str]
    provisional: dict[str, list[str]]
    generated_at: str | None

    @property
    def title(self) -> str:
        """The pack's title: region and month."""
        return f"Drug and alcohol treatment: {self.region_name}, {month_label(self.window.month)}"

    @property
    def status_statement(self) -> str:
        """The release status sentence: synthetic data, or the release's status."""
        if self.release.synthetic:
            return SYNTHETIC_STATEMENT
        return f"These are {self.release.status}."

    @property
    def fy_label(self) -> str:
        """The financial year's label, e.g. 2025-26."""
        start, end = self.window.financial_year
        return f"{start.year}-{end.year % 100:02d}"

    @property
    def fy_year_to_date(self) -> bool:
        """True when the financial year is not over at the data's as-of date."""
        return self.window.financial_year[1] > self.data_as_of


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(INDEX_TEMPLATE)


MONTH_AXIS = "Month"
COHORT_AXIS = "Month the treatment journeys started"


def chart_specs(tables: Sequence[MartTable]) -> list[ChartSpec]:
    """The charts of a pack, v2 indicators included when their tables are published."""
    by_name = {t.name: t for t in tables}
    return _qs8_chart_specs(by_name[QS8]) + _v1_chart_specs() + _v2_chart_specs(set(by_name))


def _qs8_chart_specs(qs8: MartTable) -> list[ChartSpec]:
    """QS8 (a) and (b): one monthly chart each from the qs8_measures table."""
    specs = []
    for measure, name, y_title, denominator in (
        ("qs8a", QS8A_NAME, "% of people in treatment", "people in treatment in the month"),
        (
            "qs8b",
            QS8B_NAME,
            "% with depression or anxiety",
            "people in treatment with co-existing depression or anxiety",
        ),
    ):
        specs.append(
            ChartSpec(
                qs8,
                Axes(name, y_title, MONTH_AXIS),
                "numerator",
                "denominator",
                denominator,
                predicate=f"measure = '{measure}' and period_type = 'month'",
            )
        )
    return specs


def _v1_chart_specs() -> list[ChartSpec]:
    """Retention at 3 months and transfers, by cohort month."""
    return [
        ChartSpec(
            RETENTION,
            Axes(RETENTION.measure_name.capitalize(), "% of retained + not retained", COHORT_AXIS),
            "retained",
            "retained + not_retained",
            "journeys retained + not retained (pending journeys left out)",
            bars=True,
        ),
        ChartSpec(
            TRANSFERS,
            Axes(TRANSFERS.measure_name.capitalize(), "% of picked up + lost", "Month of discharge"),
            "picked_up",
            "picked_up + lost",
            "transfers picked up + lost (transfers still within 21 days left out)",
        ),
    ]


def _v2_chart_specs(names: set[str]) -> list[ChartSpec]:
    """The NDTMS headline indicators (waiting times, successful completions) whose tables are published."""
    specs = []
    if WAITING_TIMES.name in names:
        specs.append(
            ChartSpec(
                WAITING_TIMES,
                Axes(WAITING_TIMES.measure_name.capitalize(), "% of journeys started", COHORT_AXIS),
                "within_3_weeks",
                "started",
                "journeys with a first intervention (started)",
                bars=True,
            )
        )
    if SUCCESSFUL_COMPLETIONS.name in names:
        specs.append(
            ChartSpec(
                SUCCESSFUL_COMPLETIONS,
                Axes(
                    SUCCESSFUL_COMPLETIONS.measure_name.capitalize(),
                    "% of people in treatment",
                    "12-month window ending in",
                ),
                "completed_not_re_presented",
                "in_treatment",
                "people in treatment in the 12-month window (all substances)",
                predicate="substance_group = 'all'",
                by_window=True,
            )
        )
    return specs


@dataclass(frozen=True)
class Chart:
    svg: str
    denominator: str
    has_suppressed: bool
    has_provisional: bool


def _charts(con: duckdb.DuckDBPyConnection, facts: PackFacts) -> list[Chart]:
    charts = []
    for spec in chart_specs(facts.tables):
        keys = report_data.chart_keys(con, spec, facts.window.months)
        labels = [month_label(k, short=True) for k in keys]
        series = report_data.rate_series(con, spec, keys, facts.region_code, facts.region_name, facts.region_has_data)
        draw = bar_chart if spec.bars else line_chart
        charts.append(
            Chart(
                svg=draw(spec.axes, labels, series),
                denominator=spec.denominator_text,
                has_suppressed=any(any(s.suppressed) for s in series),
                has_provisional=any(any(s.provisional) for s in series),
            )
        )
    return charts


def _headline_tables(con: duckdb.DuckDBPyConnection, facts: PackFacts, fy_note: str) -> list[report_data.HtmlTable]:
    """The index's three headline tables: the latest month, the financial year, the latest 12-week cohort."""
    window = facts.window
    fy_start, _ = window.financial_year
    areas = Areas(facts.region_code, facts.region_name, facts.region_has_data, tuple(facts.las_with_data))
    # The latest cohort whose 12 weeks have passed by the end of the reporting month (inside the window).
    cohort = add_months(window.month, -min(3, window.months_back - 1))
    cohort_note = (
        "Provisional: some journeys of this cohort are still pending."
        if f"{cohort:%Y-%m}" in facts.provisional.get(RETENTION.file_name, [])
        else ""
    )
    return [
        report_data.latest_month_table(con, areas, window.month),
        report_data.financial_year_table(con, areas, fy_start, facts.fy_label, fy_note),
        report_data.cohort_table(con, areas, cohort, cohort_note),
    ]


def render_index(con: duckdb.DuckDBPyConnection, facts: PackFacts, files: Sequence[FileFacts]) -> str:
    """The pack's index.html: headline tables, charts and the list of files."""
    window = facts.window
    fy_note = (
        f"Year to date: April to {month_label(facts.data_as_of)} only; the financial year is not complete."
        if facts.fy_year_to_date
        else ""
    )
    tables = _headline_tables(con, facts, fy_note)
    release = facts.release
    return _template().render(
        facts=facts,
        title=facts.title,
        region_code=facts.region_code,
        region_name=facts.region_name,
        synthetic=release.synthetic,
        statement=facts.status_statement,
        status=release.status,
        published=long_date(facts.published),
        next_release=long_date(facts.next_release),
        source=release.source,
        revisions_policy=release.revisions_policy,
        contact=release.contact,
        month_label=month_label(window.month),
        first_month_label=month_label(window.first_month),
        months_back=window.months_back,
        fy_label=facts.fy_label,
        fy_note=fy_note,
        data_as_of=long_date(facts.data_as_of),
        pack_format=PACK_FORMAT,
        generator=generator(),
        generated_at=facts.generated_at,
        la_count=len(facts.la_names),
        las_without_data=[facts.la_names[c] for c in facts.las_without_data],
        charts=_charts(con, facts),
        tables=tables,
        files=files,
        measures=[t.measure_name for t in facts.tables],
        decimals=PERCENT_DECIMALS,
    )
