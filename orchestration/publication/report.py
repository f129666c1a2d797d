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
from orchestration.publication.charts import bar_chart, line_chart
from orchestration.publication.report_data import month_label
from orchestration.publication.tables import QS8_MEASURES, RETENTION, TRANSFERS
from orchestration.publication.template import INDEX_TEMPLATE
from orchestration.publication.window import Window, add_months

PACK_FORMAT = "journeys regional publication pack v1"


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


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(INDEX_TEMPLATE)


def render_index(
    con: duckdb.DuckDBPyConnection,
    *,
    region_code: str,
    region_name: str,
    la_count: int,
    window: Window,
    data_as_of: date,
    files: Sequence[FileFacts],
    generated_at: str | None = None,
) -> str:
    months = window.months
    labels = [month_label(m, short=True) for m in months]
    fy_start, fy_end = window.financial_year
    fy_label = f"{fy_start.year}-{fy_end.year % 100:02d}"
    charts = [
        line_chart(
            "QS8 (a): receiving formal psychosocial interventions",
            labels,
            report_data.rate_series(
                con, QS8_MEASURES, months, region_code, region_name, "measure = 'qs8a' and period_type = 'month'"
            ),
        ),
        line_chart(
            "QS8 (b): psychological treatment for depression or anxiety",
            labels,
            report_data.rate_series(
                con, QS8_MEASURES, months, region_code, region_name, "measure = 'qs8b' and period_type = 'month'"
            ),
        ),
        bar_chart(
            "Retention at 12 weeks, by month the journey started",
            labels,
            report_data.rate_series(con, RETENTION, months, region_code, region_name),
        ),
        line_chart(
            "Transfers picked up within 21 days, by month of discharge",
            labels,
            report_data.rate_series(con, TRANSFERS, months, region_code, region_name),
        ),
    ]
    # The latest cohort whose 12 weeks have passed by the end of the reporting month (inside the window).
    cohort = add_months(window.month, -min(3, window.months_back - 1))
    tables = [
        report_data.latest_month_table(con, region_code, window.month),
        report_data.financial_year_table(con, region_code, fy_start, fy_label),
        report_data.cohort_table(con, region_code, cohort),
    ]
    return _template().render(
        region_code=region_code,
        region_name=region_name,
        la_count=la_count,
        month_label=month_label(window.month),
        first_month_label=month_label(window.first_month),
        months_back=window.months_back,
        fy_label=fy_label,
        data_as_of=data_as_of.isoformat(),
        pack_format=PACK_FORMAT,
        generator=generator(),
        generated_at=generated_at,
        charts=charts,
        tables=tables,
        files=files,
    )
