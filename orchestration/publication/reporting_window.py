"""The reporting month and the window of months a pack covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb


class PublicationError(RuntimeError):
    """A pack cannot be published (bad arguments, missing tables, month not complete in the data)."""


def first_of_month(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first of the month ``months`` after ``month`` (negative: before)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of ``month``."""
    return add_months(first_of_month(month), 1) - timedelta(days=1)


def financial_year_start(month: date) -> date:
    """1 April of the financial year ``month`` falls in."""
    return date(month.year if month.month >= 4 else month.year - 1, 4, 1)


@dataclass(frozen=True)
class Window:
    """Reporting month M and the ``months_back`` calendar months up to and including it."""

    month: date  # first day of M
    months_back: int

    @property
    def first_month(self) -> date:
        """The earliest month the pack shows."""
        return add_months(self.month, -(self.months_back - 1))

    @property
    def months(self) -> list[date]:
        """Every month the pack shows, oldest first."""
        return [add_months(self.first_month, i) for i in range(self.months_back)]

    @property
    def financial_year(self) -> tuple[date, date]:
        """The first and last day of the reporting month's financial year."""
        start = financial_year_start(self.month)
        return start, add_months(start, 12) - timedelta(days=1)

    @property
    def label(self) -> str:
        """The reporting month as ``YYYY-MM``."""
        return self.month.strftime("%Y-%m")


def latest_complete_month(con: duckdb.DuckDBPyConnection) -> date:
    """The month of max(period_end) among complete monthly QS8 periods: the last month fully covered."""
    latest = con.execute(
        "select max(period_end) from marts.qs8_measures where period_type = 'month' and complete"
    ).fetchall()[0][0]
    if latest is None:
        raise PublicationError("marts.qs8_measures has no complete monthly period: nothing to publish")
    return first_of_month(latest)
