"""``journeys run``: the pipeline job executed in-process through Dagster, summarised for a person."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, ExecuteInProcessResult, JobDefinition
from dagster._core.events import RunFailureReason
from dagster._core.utils import make_new_run_id

from orchestration.defs.partitions import full_range_tags
from orchestration.runner.launcher import Owner
from orchestration.runner.progress import run_config


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    summary: str
    failure: str | None = None


class RunInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the run; Dagster has marked it failed and its writer slot is free."""


def _instance() -> DagsterInstance:
    home = os.environ.get("DAGSTER_HOME")
    if home and Path(home).is_dir():
        return DagsterInstance.get()  # runs show up in the UI's run history
    return DagsterInstance.ephemeral()


def run_pipeline(
    as_of: str = "",
    job_name: str = "journeys_pipeline",
    log_file: Path | None = None,
    engine: str = "duckdb",
    replace_serving: bool = False,
    landing: str = "",
    warehouse: str = "",
    serving: str = "",
) -> RunOutcome:
    """Execute the job in-process; ``engine`` is where dbt runs (duckdb or spark), blank paths come from the
    environment (:class:`orchestration.defs.resources.JourneysConfig`). dbt's console log goes to ``log_file``
    (default ``<warehouse dir>/logs/last_run.log``), progress to stderr. SIGINT / SIGTERM end the run as failed,
    its writer slot freed, and raise :class:`RunInterrupted` (README: "One writer at a time")."""
    from orchestration.definitions import defs
    from orchestration.runner.writer_wait import writer_wait
    from orchestration.settings import paths

    log_file = log_file or paths(warehouse=warehouse or None).warehouse.parent / "logs" / "last_run.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "as_of": as_of,
        "engine": engine,
        "replace_serving": replace_serving,
        "landing": landing,
        "warehouse": warehouse,
        "serving": serving,
    }
    job = defs.resolve_job_def(job_name)
    run_id = make_new_run_id()
    with (
        _instance() as instance,
        log_file.open("w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
        writer_wait(instance, run_id),
    ):
        result = _execute(job, instance, run_id, config)
    if _interrupted(result):
        raise RunInterrupted(
            f"interrupted; run {run_id} is marked failed and its hold on the warehouse released; the warehouse "
            "and the serving snapshot are consistent (the previous snapshot stays if this run did not publish); "
            "run 'journeys run' again to continue"
        )
    failure = _first_failure(result)
    if failure:
        failure += f" (details: {log_file})"
    return RunOutcome(success=result.success, summary=_summary(result), failure=failure)


def _execute(
    job: JobDefinition, instance: DagsterInstance, run_id: str, config: dict[str, object]
) -> ExecuteInProcessResult:
    """One in-process execution of the job over every month, then stop any dbt an interrupted step left running."""
    from orchestration.defs.assets.dbt_invocation import stop_running_dbt

    try:
        return job.execute_in_process(
            run_config=run_config(config),
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            # every month (one single-run backfill over all partitions); who runs it (see runner.launcher)
            tags={**full_range_tags(), **Owner.current().tags()},
        )
    finally:
        stop_running_dbt()  # an interrupted dbt step may not have stopped its dbt itself


def _materialisation_metadata(result: ExecuteInProcessResult, asset: str) -> dict[str, object]:
    for event in result.get_asset_materialization_events():
        if event.asset_key is not None and event.asset_key.to_user_string() == asset:
            mat = event.step_materialization_data.materialization
            return {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
    return {}


def _summary(result: ExecuteInProcessResult) -> str:
    ingest = _materialisation_metadata(result, "landing_submissions")
    gate = _materialisation_metadata(result, "gated_submissions")
    serving = _materialisation_metadata(result, "serving_snapshot")
    lines = []
    if ingest:
        lines.append(f"ingest:  {ingest.get('summary')}")
    if gate:
        lines.append(f"gate:    {gate.get('gated')} submissions gated; log by status: {gate.get('statuses')}")
    if serving:
        rows = {k: v for k, v in serving.items() if k != "path"}
        lines.append(f"serving: {serving.get('path')} ({', '.join(f'{k} {v}' for k, v in rows.items())})")
    lines.append("run:     " + ("succeeded" if result.success else "FAILED"))
    return "\n".join(lines)


def _run_failure(result: ExecuteInProcessResult):  # type: ignore[no-untyped-def]
    for event in result.all_events:
        if event.event_type == DagsterEventType.RUN_FAILURE:
            return event.event_specific_data
    return None


def _interrupted(result: ExecuteInProcessResult) -> bool:
    failure = _run_failure(result)
    return failure is not None and failure.failure_reason == RunFailureReason.UNEXPECTED_TERMINATION


def _first_failure(result: ExecuteInProcessResult) -> str | None:
    if result.success:
        return None
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            message = (error.message if error else "step failed").strip().splitlines()
            text = message[-1] if message else "step failed"
            if error and error.cause:
                text = (error.cause.message or text).strip().splitlines()[0]
            return f"step {event.step_key} failed: {text}"
    for event in result.all_events:
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation is not None and not getattr(evaluation, "passed", True):
                return f"blocking check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}"
    failure = _run_failure(result)
    error = failure.error if failure is not None else None
    if error is not None and error.message:  # failed outside any step, e.g. gave up waiting for the warehouse
        return error.message.strip().splitlines()[-1].split(": ", 1)[-1]
    return "the run failed"
