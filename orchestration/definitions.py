"""The one Dagster ``Definitions`` of the project: what ``dagster dev`` shows and ``journeys run`` executes."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import AssetSelection, Definitions, define_asset_job, load_asset_checks_from_modules
from dagster_dbt import DbtCliResource

from orchestration.assets import dbt as dbt_module
from orchestration.assets import ingest, publication, serving
from orchestration.assets.dbt import journeys_dbt_assets
from orchestration.automation import (
    PIPELINE_JOB,
    landing_sensor,
    regional_publication_job,
    regional_publication_schedule,
)
from orchestration.dbt_project import dbt_project
from orchestration.progress import journeys_progress
from orchestration.resources import JourneysConfig

# The main job: ingest → gate → dbt → marts → serving snapshot.
pipeline_job = define_asset_job(
    PIPELINE_JOB,
    selection=AssetSelection.assets(
        ingest.landing_submissions, ingest.gated_submissions, journeys_dbt_assets, serving.serving_snapshot
    ),
    description="Ingest new submissions, gate them, build the dbt models and publish the serving snapshot.",
)

defs = Definitions(
    assets=[
        ingest.landing_submissions,
        ingest.gated_submissions,
        journeys_dbt_assets,
        serving.serving_snapshot,
        publication.regional_publication_pack,
    ],
    asset_checks=load_asset_checks_from_modules([ingest, dbt_module]),
    jobs=[pipeline_job, regional_publication_job],
    schedules=[regional_publication_schedule],
    sensors=[landing_sensor],
    loggers={"journeys_progress": journeys_progress},
    resources={
        "journeys": JourneysConfig(),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=str(Path(sys.executable).parent / "dbt"),  # the venv's dbt, PATH or not
        ),
    },
)
