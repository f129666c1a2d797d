"""Who holds the warehouse, and whether they are still alive.

Every ``journeys run`` records its process with the Dagster run (tags ``journeys/host``, ``journeys/pid`` and
``journeys/pid_start``, the process's start time as the kernel reports it, so a recycled pid is not mistaken for
the run). Before a run waits for the ``duckdb_writer`` slot, runs that hold or queue for it but whose process is
gone are marked failed and their claims freed through Dagster's own instance API
(:func:`release_dead_claims`). Under ``dagster dev`` / the daemon, :class:`JourneysRunLauncher` gives run
monitoring the same liveness check (``dagster.yaml``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRun, DefaultRunLauncher, RunsFilter
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.tags import GRPC_INFO_TAG

HOST_TAG = "journeys/host"
PID_TAG = "journeys/pid"
PID_START_TAG = "journeys/pid_start"


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux ``/proc``); None where unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


@dataclass(frozen=True)
class Owner:
    """The process running a run: host name, pid and (Linux) the process's start time."""

    host: str
    pid: int
    start: str | None = None

    @classmethod
    def current(cls) -> Owner:
        """This process."""
        return cls(socket.gethostname(), os.getpid(), _process_start(os.getpid()))

    @classmethod
    def from_tags(cls, tags: Mapping[str, str]) -> Owner | None:
        """The process recorded in a run's tags, if any."""
        if HOST_TAG not in tags or not tags.get(PID_TAG, "").isdigit():
            return None
        return cls(tags[HOST_TAG], int(tags[PID_TAG]), tags.get(PID_START_TAG) or None)

    def tags(self) -> dict[str, str]:
        """The run tags that record this process."""
        tags = {HOST_TAG: self.host, PID_TAG: str(self.pid)}
        if self.start:
            tags[PID_START_TAG] = self.start
        return tags

    def alive(self) -> bool | None:
        """True or False for a process on this host; None (cannot tell) for another host's."""
        if self.host != socket.gethostname():
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # exists, owned by someone else
        if _is_zombie(self.pid):
            return False
        now = _process_start(self.pid)
        return not (self.start and now and now != self.start)  # a different process under a recycled pid

    def describe(self) -> str:
        """``pid N on HOST, alive|gone|liveness unknown``."""
        state = {True: "alive", False: "gone", None: "liveness unknown"}[self.alive()]
        return f"pid {self.pid} on {self.host}, {state}"


@dataclass(frozen=True)
class Holder:
    """A run holding a pool slot."""

    run_id: str
    since: datetime | None
    owner: Owner | None

    def describe(self) -> str:
        """Who holds the slot, for the waiting line: run id, since when, its process."""
        started = f"started {self.since:%Y-%m-%d %H:%M:%S} UTC, " if self.since else ""
        process = self.owner.describe() if self.owner else "launched by Dagster, see the UI"
        return f"run {self.run_id} ({started}{process})"


def _claimants(instance: DagsterInstance, pool: str) -> tuple[set[str], set[str]]:
    """Run ids holding a slot of ``pool`` and run ids with a step queued for it."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return set(), set()
    info = storage.get_concurrency_info(pool)
    return {s.run_id for s in info.claimed_slots}, {p.run_id for p in info.pending_steps}


def holders(instance: DagsterInstance, pool: str, exclude: str = "") -> list[Holder]:
    """The runs holding ``pool``'s slots, oldest first."""
    claimed, _ = _claimants(instance, pool)
    claimed.discard(exclude)
    if not claimed:
        return []
    records = instance.get_run_records(RunsFilter(run_ids=sorted(claimed)))
    found = {r.dagster_run.run_id: r for r in records}
    result = []
    for run_id in sorted(claimed):
        record = found.get(run_id)
        since = datetime.fromtimestamp(record.start_time, UTC) if record and record.start_time else None
        result.append(Holder(run_id, since, Owner.from_tags(record.dagster_run.tags) if record else None))
    return sorted(result, key=lambda h: h.since or datetime.min.replace(tzinfo=UTC))


def release_dead_claims(
    instance: DagsterInstance, pool: str, exclude: str = "", say: Callable[[str], None] | None = None
) -> list[str]:
    """Free the claims on ``pool`` of runs that can no longer use them; returns their run ids.

    A run whose recorded process is gone is marked failed (with the reason) first; a run that already ended (or
    whose record was deleted) only has its stale claims freed. Runs on another host, or launched without a
    recorded process, are left to Dagster's run monitoring."""
    claimed, pending = _claimants(instance, pool)
    run_ids = sorted((claimed | pending) - {exclude})
    if not run_ids:
        return []
    runs = {run.run_id: run for run in instance.get_runs(RunsFilter(run_ids=run_ids))}
    freed = []
    for run_id in run_ids:
        run = runs.get(run_id)
        if run is not None and not run.is_finished:
            owner = Owner.from_tags(run.tags)
            if owner is None or owner.alive() is not False:
                continue
            reason = f"its process ({owner.describe()}) ended without finishing the run"
            instance.report_run_failed(run, f"Marked failed by a later journeys run: {reason}.")
            if say:
                say(f"run {run_id} had died ({reason}): marked failed and its warehouse claim released")
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        freed.append(run_id)
    return freed


def _worker_owner(instance: DagsterInstance, run: DagsterRun) -> Owner | None:
    """The run worker's process, for runs launched through a code server on this host: its pid is in the
    worker's "Started process for run" engine event."""
    grpc = run.tags.get(GRPC_INFO_TAG, "")
    if grpc and '"host": "localhost"' not in grpc and "127.0.0.1" not in grpc and '"socket": "' not in grpc:
        return None  # a code server elsewhere: its pids mean nothing here
    records = instance.get_records_for_run(run.run_id, of_type=DagsterEventType.ENGINE_EVENT).records
    for record in records:
        event = record.event_log_entry.dagster_event
        metadata = event.engine_event_data.metadata if event and event.engine_event_data else {}
        pid = str(getattr(metadata.get("pid"), "value", ""))
        if pid.isdigit():
            return Owner(socket.gethostname(), int(pid))
    return None


class JourneysRunLauncher(DefaultRunLauncher):
    """Dagster's default launcher, plus a run-worker health check for run monitoring: a STARTED run whose process
    (the ``journeys`` tags, or the worker pid a code server on this host reported) is gone is reported FAILED,
    so the monitoring daemon marks it failed and ``free_slots_after_run_end_seconds`` frees its writer slot."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        """Run monitoring may ask this launcher about its runs' workers."""
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        """FAILED when the run's recorded process is gone, else RUNNING (a run is never failed on a guess)."""
        owner = Owner.from_tags(run.tags) or _worker_owner(self._instance, run)
        if owner is not None and owner.alive() is False:
            return CheckRunHealthResult(WorkerStatus.FAILED, f"the run's process ({owner.describe()}) is gone")
        # No proof of death (alive, another host, or no pid recorded): never fail a run on a guess.
        return CheckRunHealthResult(WorkerStatus.RUNNING, owner.describe() if owner else "no process recorded")
