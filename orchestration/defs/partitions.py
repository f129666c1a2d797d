"""Partitions as Dagster means them: reporting months for ingestion and the gate.

A run that targets no partition (``dagster job execute -j journeys_pipeline``, *Materialize all* in the UI, a job
launched from the launchpad without a partition) means every month, exactly like ``journeys run``.
"""

import warnings
from datetime import date

import dagster as dg

# One partition per reporting month (a month's files arrive after it ends, so the open month has none yet).
reporting_months = dg.MonthlyPartitionsDefinition(start_date="2020-01-01", end_offset=0)

# The monthly assets run a range of months in one run (one pass over all pending files, not one run per month).
# Dagster marks the ``backfill_policy`` parameter beta and would warn at every import of the definitions (twice per
# step process under ``dagster job execute``/``dagster dev``): the choice is deliberate, so that warning is not shown.
warnings.filterwarnings(
    "ignore", message=r"Parameter `backfill_policy` .* is currently in beta", category=dg.BetaWarning
)


def month_of(key: str) -> date:
    """The reporting month (first day) of a partition key."""
    return date.fromisoformat(key)


def key_of(month: date) -> str:
    """The partition key of the month ``month`` falls in."""
    return month.replace(day=1).isoformat()


def selected_months(context: dg.AssetExecutionContext) -> set[date] | None:
    """The months a run covers; None when it covers every month: a run with no partition (the Dagster CLI's
    ``job execute``, the UI's launchpad) or one whose range spans every partition (``journeys run``). Then every
    file counts, including months outside the partition range (e.g. synthetic data dated in the future)."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    keys = context.partition_keys
    if set(keys) >= set(reporting_months.get_partition_keys()):
        return None
    return {month_of(k) for k in keys}


def full_range_tags() -> dict[str, str]:
    """Tags for a run over every partition (kept for callers that want the run recorded against each month)."""
    keys = reporting_months.get_partition_keys()
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
