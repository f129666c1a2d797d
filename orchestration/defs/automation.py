"""Jobs, sensors and schedules: the pipeline job; new files trigger their month's partition; a monthly schedule
publishes the regional packs."""

import hashlib
import json

import dagster as dg

from orchestration.defs.assets.dbt_assets import journeys_dbt_assets
from orchestration.defs.assets.gate_assets import gated_submissions
from orchestration.defs.assets.ingest_assets import landing_submissions
from orchestration.defs.assets.publication_assets import regional_publication_pack, regions
from orchestration.defs.assets.serving_assets import serving_snapshot
from orchestration.defs.partitions import key_of, reporting_months
from orchestration.ingest.errors import FileRejected
from orchestration.ingest.landing import discover
from orchestration.ingest.naming import parse_file_name
from orchestration.settings import paths

PIPELINE_JOB = "journeys_pipeline"

# The main job: ingest → gate → dbt → marts → serving snapshot.
pipeline_job = dg.define_asset_job(
    PIPELINE_JOB,
    selection=dg.AssetSelection.assets(landing_submissions, gated_submissions, journeys_dbt_assets, serving_snapshot),
    description="Ingest new submissions, gate them, build the dbt models and publish the serving snapshot.",
)

regional_publication_job = dg.define_asset_job(
    "regional_publication",
    selection=[regional_publication_pack],
    description="Each region's disclosure-controlled pack for the latest complete month, from the serving snapshot.",
)


def _digest(file_ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(file_ids)).encode()).hexdigest()[:16]


def _file_id(relative_name: str, mtime: float, size: int) -> str:
    return f"{relative_name}|{mtime:.6f}|{size}"


@dg.sensor(
    job_name=PIPELINE_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="New or changed files in the landing directory: one run of their reporting month's partition. "
    "Cursor = the files already requested (name, modification time, size); run keys make a file processed once.",
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    landing = paths().landing
    seen: set[str] = set(json.loads(context.cursor)) if context.cursor else set()
    valid_keys = set(reporting_months.get_partition_keys())
    by_month: dict[str, list[str]] = {}
    current: set[str] = set()
    for file in discover(landing):
        file_id = _file_id(file.relative_name, file.received_at.timestamp(), file.size)
        current.add(file_id)
        if file_id in seen:
            continue
        try:
            key = key_of(parse_file_name(file.base_name).reporting_month)
        except FileRejected:
            key = max(valid_keys)  # logged as rejected by whichever run comes next: the latest month's
        if key not in valid_keys:
            continue  # a month that has not ended yet: picked up once its partition exists (or by journeys run)
        by_month.setdefault(key, []).append(file_id)
    if not by_month:
        return dg.SkipReason(f"no new files in {landing}")
    requests = [
        dg.RunRequest(
            partition_key=key,
            run_key=f"{key}:{_digest(ids)}",
            tags={"journeys/trigger": "landing_sensor", "journeys/files": str(len(ids))},
        )
        for key, ids in sorted(by_month.items())
    ]
    requested = {i for ids in by_month.values() for i in ids}
    # Keep only ids still in the landing directory, so the cursor does not grow without bound.
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(sorted((seen & current) | requested)))


@dg.schedule(
    job=regional_publication_job,
    cron_schedule="0 7 5 * *",  # 07:00 on the 5th: providers' month-end files are in by then
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Monthly regional aggregation: one run per region publishing its pack for the latest complete month.",
)
def regional_publication_schedule(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    stamp = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return [
        dg.RunRequest(partition_key=region, run_key=f"{stamp}:{region}", tags={"journeys/trigger": "monthly_schedule"})
        for region in regions.get_partition_keys()
    ]
