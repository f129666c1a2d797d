"""Partitions as Dagster means them: reporting months for ingestion and the gate."""

from datetime import date

from dagster import AssetExecutionContext, MonthlyPartitionsDefinition

# One partition per reporting month (a month's files arrive after it ends, so the open month has none yet).
reporting_months = MonthlyPartitionsDefinition(start_date="2020-01-01", end_offset=0)


def month_of(key: str) -> date:
    return date.fromisoformat(key)


def key_of(month: date) -> str:
    return month.replace(day=1).isoformat()


def selected_months(context: AssetExecutionContext) -> set[date] | None:
    """The months a run covers; None when it covers every partition (``journeys run``): then every file counts,
    including months outside the partition range (e.g. synthetic data dated in the future)."""
    keys = context.partition_keys
    if set(keys) >= set(reporting_months.get_partition_keys()):
        return None
    return {month_of(k) for k in keys}


def full_range_tags() -> dict[str, str]:
    keys = reporting_months.get_partition_keys()
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
