"""The one Dagster ``Definitions`` of the project: what ``dagster dev`` shows and ``journeys run`` executes.

Everything Dagster-specific lives in :mod:`orchestration.defs` (assets, checks, automation, partitions,
resources); this module only merges it. ``pyproject.toml`` (``[tool.dagster]``) and the tests load ``defs`` here.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs import checks
from orchestration.defs.assets import dbt_assets
from orchestration.defs.assets.dbt_assets import journeys_dbt_assets
from orchestration.defs.assets.gate_assets import gated_submissions
from orchestration.defs.assets.ingest_assets import landing_submissions
from orchestration.defs.assets.publication_assets import regional_publication_pack
from orchestration.defs.assets.serving_assets import serving_snapshot
from orchestration.defs.automation import (
    landing_sensor,
    pipeline_job,
    regional_publication_job,
    regional_publication_schedule,
)
from orchestration.defs.executor import journeys_executor
from orchestration.defs.resources import journeys_resources
from orchestration.runner.progress import journeys_progress

defs = dg.Definitions(
    assets=[landing_submissions, gated_submissions, journeys_dbt_assets, serving_snapshot, regional_publication_pack],
    asset_checks=dg.load_asset_checks_from_modules([checks, dbt_assets]),
    jobs=[pipeline_job, regional_publication_job],
    schedules=[regional_publication_schedule],
    sensors=[landing_sensor],
    loggers={"journeys_progress": journeys_progress},
    resources=journeys_resources(),
    executor=journeys_executor,
)
