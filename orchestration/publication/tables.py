"""The marts tables a pack publishes: their keys, count columns, rates and additive rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A published rate and the count columns it is derived from (it is suppressed when any of them is)."""

    name: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class MartTable:
    """One marts table as published in a pack (one CSV file)."""

    name: str
    period_column: str  # the month key: cohort_month / month / period_start
    counts: tuple[str, ...]
    rate: Rate
    leading_columns: tuple[str, ...]  # published before the geography columns, in this order
    measure_column: str | None = None  # qs8_measures only
    period_type_column: str | None = None  # qs8_measures only
    # total column -> the part columns that add up to it within one row (row-level secondary suppression)
    row_total: tuple[str, tuple[str, ...]] | None = None

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


QS8_MEASURES = MartTable(
    name="qs8_measures",
    period_column="period_start",
    counts=("numerator", "denominator"),
    rate=Rate("rate", ("numerator", "denominator")),
    leading_columns=("period_type", "period_start", "period_end", "complete", "measure"),
    measure_column="measure",
    period_type_column="period_type",
)
RETENTION = MartTable(
    name="retention_3_months",
    period_column="cohort_month",
    counts=("new_presentations", "retained", "not_retained", "pending"),
    rate=Rate("retention_rate", ("retained", "not_retained")),
    leading_columns=("cohort_month",),
    row_total=("new_presentations", ("retained", "not_retained", "pending")),
)
TRANSFERS = MartTable(
    name="transfer_outcomes",
    period_column="month",
    counts=("transfers", "picked_up", "lost", "pending"),
    rate=Rate("pickup_rate", ("picked_up", "lost")),
    leading_columns=("month",),
    row_total=("transfers", ("picked_up", "lost", "pending")),
)
CONCORDANCE = MartTable(
    name="nice_concordance",
    period_column="cohort_month",
    counts=("journeys_with_psychosocial", "second_line_first"),
    rate=Rate("share", ("second_line_first", "journeys_with_psychosocial")),
    leading_columns=("cohort_month",),
)

PUBLISHED_TABLES: tuple[MartTable, ...] = (QS8_MEASURES, RETENTION, TRANSFERS, CONCORDANCE)


def published_columns(table: MartTable) -> tuple[str, ...]:
    """The CSV's columns: keys, geography, then each count and the rate, each followed by its marker."""
    value_columns: list[str] = []
    for column in (*table.counts, table.rate.name):
        value_columns += [column, f"{column}_suppressed"]
    return (*table.leading_columns, "geography_level", "geography_code", "geography_name", *value_columns)
