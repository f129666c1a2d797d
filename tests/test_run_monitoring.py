"""Dead runs give their writer claims back: the check a later ``journeys run`` makes before it waits, and the
same check in Dagster's run-monitoring daemon (configured in dagster.yaml). Real Dagster instances (SQLite
storage in a temporary DAGSTER_HOME with the repository's dagster.yaml), real processes that have ended."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus
from dagster._core.utils import make_new_run_id
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import EmptyWorkspaceTarget
from dagster._daemon.monitoring.concurrency import execute_concurrency_slots_iteration
from dagster._daemon.monitoring.run_monitoring import execute_run_monitoring_iteration

from orchestration.runner.launcher import JourneysRunLauncher, Owner, release_dead_claims
from orchestration.settings import PROJECT_ROOT
from orchestration.warehouse import WRITER_POOL

STEP = "journeys_dbt_assets"


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[DagsterInstance]:
    (tmp_path / "dagster.yaml").symlink_to(PROJECT_ROOT / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as inst:
        inst.event_log_storage.set_concurrency_slots(WRITER_POOL, 2)
        yield inst


def _dead_owner() -> Owner:
    """A process of this host that has ended (started, waited for)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    owner = Owner(Owner.current().host, proc.pid, None)
    proc.wait()
    return owner


def _run(instance: DagsterInstance, owner: Owner | None, status: DagsterRunStatus = DagsterRunStatus.STARTED) -> str:
    run_id = make_new_run_id()
    tags = owner.tags() if owner else {}
    instance.add_run(DagsterRun(job_name="journeys_pipeline", run_id=run_id, status=status, tags=tags))
    instance.event_log_storage.claim_concurrency_slot(WRITER_POOL, run_id, STEP)
    return run_id


def _status(instance: DagsterInstance, run_id: str) -> DagsterRunStatus:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    return run.status


def _holding(instance: DagsterInstance) -> set[str]:
    return {s.run_id for s in instance.event_log_storage.get_concurrency_info(WRITER_POOL).claimed_slots}


def test_a_later_run_fails_dead_runs_and_frees_their_claims_but_never_a_live_or_unknown_one(
    instance: DagsterInstance,
) -> None:
    dead = _run(instance, _dead_owner())
    ended = _run(instance, Owner.current(), DagsterRunStatus.SUCCESS)  # ended, yet its claim was never freed
    live = _run(instance, Owner.current())  # queued: both slots are taken
    elsewhere = _run(instance, Owner("another-host.example", 4242))
    unrecorded = _run(instance, None)  # launched by Dagster: the daemon's business
    assert _holding(instance) == {dead, ended}
    said: list[str] = []

    assert sorted(release_dead_claims(instance, WRITER_POOL, say=said.append)) == sorted([dead, ended])

    assert _status(instance, dead) == DagsterRunStatus.FAILURE
    assert [line for line in said if dead in line and "had died" in line]
    assert _status(instance, ended) == DagsterRunStatus.SUCCESS
    for run_id in (live, elsewhere, unrecorded):
        assert _status(instance, run_id) == DagsterRunStatus.STARTED
    assert not _holding(instance) & {dead, ended}


def test_the_run_monitoring_daemon_fails_a_dead_run_and_then_frees_its_slot(instance: DagsterInstance) -> None:
    assert isinstance(instance.run_launcher, JourneysRunLauncher)  # dagster.yaml's launcher
    assert instance.run_monitoring_enabled
    dead, live = _run(instance, _dead_owner()), _run(instance, Owner.current())
    logger = logging.getLogger("test_run_monitoring")
    with WorkspaceProcessContext(instance, EmptyWorkspaceTarget()) as context:
        list(execute_run_monitoring_iteration(context, logger))  # one pass of the daemon's run monitoring
        assert _status(instance, dead) == DagsterRunStatus.FAILURE
        assert _status(instance, live) == DagsterRunStatus.STARTED
        assert dead in _holding(instance)
        grace = instance.run_monitoring_settings["free_slots_after_run_end_seconds"]
        time.sleep(grace + 1)  # the daemon frees a finished run's slots after this grace period
        list(execute_concurrency_slots_iteration(context, logger))
    assert dead not in _holding(instance)
    assert live in _holding(instance)
