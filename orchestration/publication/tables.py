"""The marts tables a pack publishes: their keys, counts, rates, additive identities and column documentation.

This is the one place a published column is described: the CSVs, the data dictionary (``data_dictionary.csv``),
the manifest and the page all take names, units and rounding from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Rates are published as percentages rounded to this many decimal places, in the CSVs and on the page alike.
PERCENT_DECIMALS = 1
DAYS_DECIMALS = 1


@dataclass(frozen=True)
class Column:
    """A published column's documentation (one row of the data dictionary)."""

    name: str
    meaning: str
    type: str  # as written in the CSV: date, text, boolean, integer, decimal
    unit: str = ""
    rounding: str = "none"


@dataclass(frozen=True)
class Rate:
    """A published statistic derived from counts of the same row; suppressed whenever any of its inputs is.

    ``inputs`` is also the set whose zeros are suppressed with it (a published zero input would give a suppressed
    percentage away: see ``suppression``). ``unit`` is ``percent`` (a fraction in marts, published x100) or
    ``days``.
    """

    source: str  # the marts column
    inputs: tuple[str, ...]
    meaning: str
    unit: str = "percent"

    @property
    def name(self) -> str:
        """The published column name (percentages say so in their name)."""
        return f"{self.source}_percent" if self.unit == "percent" else self.source

    @property
    def decimals(self) -> int:
        """Decimal places the rate is published with."""
        return PERCENT_DECIMALS if self.unit == "percent" else DAYS_DECIMALS

    def published_sql(self, alias: str) -> str:
        """SQL for the published value of the rate from the table aliased ``alias``."""
        scale = "100 * " if self.unit == "percent" else ""
        return f"round({scale}{alias}.{self.source}, {self.decimals})"

    def column(self) -> Column:
        """The rate's column in the data dictionary."""
        unit = "percent (0 to 100)" if self.unit == "percent" else "days"
        return Column(self.name, self.meaning, "decimal", unit, f"rounded to {self.decimals} decimal place")


@dataclass(frozen=True)
class MartTable:
    """One marts table as published in a pack (one CSV file)."""

    name: str
    measure_name: str  # the one name of what it measures, used on every chart, table and in the dictionary
    period_column: str  # the month key: cohort_month / month / period_start
    counts: tuple[Column, ...]
    rates: tuple[Rate, ...]
    leading_columns: tuple[Column, ...]  # published before the geography columns, in this order
    measure_column: str | None = None  # qs8_measures only
    period_type_column: str | None = None  # qs8_measures only
    # A column whose values are parts of a whole within one geography (successful_completions: substance_group;
    # 'all' = the sum of the others). Its cells are folded into the count names ("in_treatment|opiate").
    category_column: str | None = None
    categories: tuple[str, ...] = ()
    category_total: str = ""
    # (total column, the part columns that add up to it within one row): row-level secondary suppression
    row_totals: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # geography is additive for this table (each journey/transfer counted in exactly one LA and region); QS8 and
    # completions count distinct people, so their regions are not the sums of their LAs
    additive_geography: bool = True
    v2: bool = False  # published once the mart exists in the serving snapshot
    # SQL on England's row of a period: true while its figures can still change (published as ``provisional``)
    provisional_when: str | None = None

    @property
    def file_name(self) -> str:
        """The table's CSV file name in a pack."""
        return f"{self.name}.csv"

    @property
    def count_names(self) -> tuple[str, ...]:
        """The names of the table's count columns."""
        return tuple(c.name for c in self.counts)


def _count(name: str, meaning: str) -> Column:
    return Column(name, meaning, "integer", "count", "none (exact); empty when suppressed")


def _month(name: str, meaning: str) -> Column:
    return Column(name, meaning, "date", "first day of the month (YYYY-MM-DD)")


PROVISIONAL = Column(
    "provisional",
    "true while the period's figures can still change (in England some journeys or transfers are still pending)",
    "boolean",
)

QS8_MEASURES = MartTable(
    name="qs8_measures",
    measure_name="QS8 (a) formal psychosocial interventions; QS8 (b) psychological treatment for depression or anxiety",
    period_column="period_start",
    counts=(
        _count("numerator", "people in the denominator who received the intervention in the period"),
        _count(
            "denominator",
            "QS8 (a): people in treatment in the period; QS8 (b): people in treatment with co-existing depression "
            "or anxiety",
        ),
    ),
    rates=(Rate("rate", ("numerator", "denominator"), "numerator as a percentage of denominator"),),
    leading_columns=(
        Column("period_type", "month, or financial_year (1 April to 31 March)", "text"),
        Column("period_start", "first day of the period", "date", "YYYY-MM-DD"),
        Column("period_end", "last day of the period (calendar end, also for a year to date)", "date", "YYYY-MM-DD"),
        Column("complete", "false for a period that ends after the data's reporting date: a year to date", "boolean"),
        Column("measure", "qs8a or qs8b", "text"),
    ),
    measure_column="measure",
    period_type_column="period_type",
    additive_geography=False,
)
RETENTION = MartTable(
    name="retention_3_months",
    measure_name="retention at 12 weeks",
    period_column="cohort_month",
    counts=(
        _count("new_presentations", "treatment journeys starting in the month"),
        _count("retained", "journeys lasting at least 84 days, or completing treatment successfully earlier"),
        _count("not_retained", "journeys ending in under 84 days for any other reason"),
        _count("pending", "journeys still open and under 84 days, or just transferred: left out of the rate"),
    ),
    rates=(
        Rate("retention_rate", ("retained", "not_retained"), "retained as a percentage of retained + not_retained"),
    ),
    leading_columns=(_month("cohort_month", "month the treatment journeys started"), PROVISIONAL),
    row_totals=(("new_presentations", ("retained", "not_retained", "pending")),),
    provisional_when="pending > 0",
)
TRANSFERS = MartTable(
    name="transfer_outcomes",
    measure_name="transfers picked up within 21 days",
    period_column="month",
    counts=(
        _count("transfers", "episodes ending in a transfer in the month"),
        _count("picked_up", "transfers where the person started with a service within 21 days"),
        _count("lost", "transfers not picked up within 21 days"),
        _count("pending", "transfers still within their 21 days: left out of the rate"),
    ),
    rates=(Rate("pickup_rate", ("picked_up", "lost"), "picked_up as a percentage of picked_up + lost"),),
    leading_columns=(_month("month", "month of discharge from the transferring episode"), PROVISIONAL),
    row_totals=(("transfers", ("picked_up", "lost", "pending")),),
    provisional_when="pending > 0",
)
CONCORDANCE = MartTable(
    name="nice_concordance",
    measure_name="second-line first (NICE first-line concordance)",
    period_column="cohort_month",
    counts=(
        _count("journeys_with_psychosocial", "journeys starting in the month with any psychosocial intervention"),
        _count("second_line_first", "of those, journeys whose first one was second-line with no first-line before"),
    ),
    rates=(
        Rate(
            "share",
            ("second_line_first", "journeys_with_psychosocial"),
            "second_line_first as a percentage of journeys_with_psychosocial",
        ),
    ),
    leading_columns=(_month("cohort_month", "month the treatment journeys started"),),
)
WAITING_TIMES = MartTable(
    name="waiting_times",
    measure_name="waits within 3 weeks",
    period_column="cohort_month",
    counts=(
        _count("new_presentations", "treatment journeys starting in the month"),
        _count("started", "journeys with a first intervention"),
        _count("within_3_weeks", "started within 21 days of referral"),
        _count("over_3_weeks", "started more than 21 days after referral"),
        _count("waiting", "open journeys with no intervention yet"),
        _count("no_intervention", "journeys that ended with no intervention"),
    ),
    rates=(
        Rate(
            "share_within_3_weeks",
            ("within_3_weeks", "over_3_weeks"),
            "within_3_weeks as a percentage of started",
        ),
        Rate(
            "median_wait_days",
            ("started",),
            "median days from referral to first intervention, started journeys",
            unit="days",
        ),
    ),
    leading_columns=(_month("cohort_month", "month the treatment journeys started"), PROVISIONAL),
    row_totals=(
        ("new_presentations", ("started", "waiting", "no_intervention")),
        ("started", ("within_3_weeks", "over_3_weeks")),
    ),
    v2=True,
    provisional_when="waiting > 0",
)
SUCCESSFUL_COMPLETIONS = MartTable(
    name="successful_completions",
    measure_name="successful completions not re-presenting within 6 months",
    period_column="period_end",
    counts=(
        _count("in_treatment", "people in treatment in the 12-month window"),
        _count("completed", "of them, people who completed treatment successfully in the window"),
        _count("completed_not_re_presented", "of those, people who did not re-present within 6 months"),
        _count("re_presented", "completed people who re-presented within 6 months"),
        _count("died", "people in treatment who died in treatment in the window"),
    ),
    rates=(
        Rate(
            "rate",
            ("completed_not_re_presented", "in_treatment"),
            "completed_not_re_presented as a percentage of in_treatment",
        ),
    ),
    leading_columns=(
        Column("period_start", "first day of the 12-month window", "date", "YYYY-MM-DD"),
        Column("period_end", "last day of the 12-month window", "date", "YYYY-MM-DD"),
        Column(
            "substance_group",
            "all, opiate, non-opiate or alcohol (the groups add up to all; LAs: all only)",
            "text",
        ),
    ),
    category_column="substance_group",
    categories=("all", "opiate", "non-opiate", "alcohol"),
    category_total="all",
    row_totals=(("completed", ("completed_not_re_presented", "re_presented")),),
    additive_geography=False,
    v2=True,
)

V1_TABLES: tuple[MartTable, ...] = (QS8_MEASURES, RETENTION, TRANSFERS, CONCORDANCE)
V2_TABLES: tuple[MartTable, ...] = (WAITING_TIMES, SUCCESSFUL_COMPLETIONS)
ALL_TABLES: tuple[MartTable, ...] = V1_TABLES + V2_TABLES
# Kept for callers of v1: the tables every pack has.
PUBLISHED_TABLES = V1_TABLES

GEOGRAPHY_COLUMNS = (
    Column("geography_level", "national (England), region or la (local authority)", "text"),
    Column("geography_code", "ONS code of the area (E92000001 for England)", "text"),
    Column("geography_name", "name of the area", "text"),
)


def marker(column: str) -> Column:
    """The ``<column>_suppressed`` marker column of ``column``."""
    return Column(
        f"{column}_suppressed",
        f"true when {column} is withheld for disclosure control (then {column} is empty)",
        "boolean",
    )


def published_columns(table: MartTable) -> tuple[str, ...]:
    """The CSV's columns: keys, geography, then each count and rate, each followed by its marker."""
    return tuple(c.name for c in documented_columns(table))


def documented_columns(table: MartTable) -> tuple[Column, ...]:
    """Every published column of ``table`` with its description, in file order."""
    value_columns: list[Column] = []
    for column in (*table.counts, *(r.column() for r in table.rates)):
        value_columns += [column, marker(column.name)]
    return (*table.leading_columns, *GEOGRAPHY_COLUMNS, *value_columns)


def cell_count_names(table: MartTable) -> tuple[str, ...]:
    """The suppression's count names: the counts, folded with the categories when the table has them."""
    if not table.category_column:
        return table.count_names
    return tuple(f"{c}|{k}" for c in table.count_names for k in table.categories)


def row_identities(table: MartTable) -> list[tuple[str, tuple[str, ...]]]:
    """Every 'total = sum of parts' identity within one geography's row(s) of a cell group, in cell count names."""
    identities: list[tuple[str, tuple[str, ...]]] = []
    categories = table.categories or ("",)
    for k in categories:
        suffix = f"|{k}" if k else ""
        identities += [(f"{t}{suffix}", tuple(f"{p}{suffix}" for p in parts)) for t, parts in table.row_totals]
    if table.category_column:
        parts = tuple(k for k in table.categories if k != table.category_total)
        identities += [(f"{c}|{table.category_total}", tuple(f"{c}|{k}" for k in parts)) for c in table.count_names]
    return identities


def rate_input_sets(table: MartTable) -> list[tuple[str, ...]]:
    """The rates' input sets in cell count names (per category for a folded table)."""
    categories = table.categories or ("",)
    return [tuple(f"{i}|{k}" if k else i for i in rate.inputs) for k in categories for rate in table.rates]
