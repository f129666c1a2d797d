"""Waiting for the ``duckdb_writer`` slot in ``journeys run``: visible, bounded, interruptible.

Dagster's in-process executor waits for a pool slot in a loop that (dagster 1.13) never sleeps, prints nothing,
has no limit and only looks at a captured Ctrl-C / SIGTERM between steps, so a run queued behind a dead run spun
forever. :func:`writer_wait` gives that loop, for the duration of one ``journeys run``, a concurrency context
that on top of Dagster's own claim logic:

- frees the claims of runs whose process is gone (:func:`orchestration.runner.launcher.release_dead_claims`);
- prints one line naming who holds the warehouse (run id, since when, pid and whether it is alive);
- ends the wait after ``JOURNEYS_WRITER_WAIT_SECONDS`` with :class:`WriterBusy`, a one-line error;
- stops the wait on a captured SIGINT / SIGTERM (the run is then marked failed by Dagster);
- sleeps between checks instead of spinning.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import DagsterInstance, DagsterRun
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.executor import in_process
from dagster._utils.interrupts import check_captured_interrupt

from orchestration.runner.launcher import holders, release_dead_claims
from orchestration.warehouse import WRITER_POOL, writer_wait_seconds

CHECK_EVERY_SECONDS = 2.0  # how often a waiting run looks at the holders (and asks for the slot again)
NAP_SECONDS = 0.5  # longest sleep between two passes of the executor's loop: Ctrl-C is seen within this


class WriterBusy(Exception):
    """The writer slot stayed taken for longer than the configured wait."""


def say(line: str) -> None:
    """Print one ``journeys:`` line on stderr."""
    print(f"journeys: {line}", file=sys.stderr, flush=True)


class _WriterWaitContext(InstanceConcurrencyContext):
    def __init__(self, instance: DagsterInstance, dagster_run: DagsterRun) -> None:
        super().__init__(instance, dagster_run)
        self._own_run_id = dagster_run.run_id
        self._limit = writer_wait_seconds()
        self._waiting_since: float | None = None
        self._next_check = 0.0
        self._announced: tuple[str, ...] = ()

    def claim(self, concurrency_key: str, step_key: str, step_priority: int = 0) -> bool:
        if check_captured_interrupt():
            raise DagsterExecutionInterruptedError("interrupted while waiting for the warehouse")
        if super().claim(concurrency_key, step_key, step_priority):
            self._waiting_since = None
            return True
        now = time.monotonic()
        if self._waiting_since is None:
            self._waiting_since = now
        if now >= self._next_check:
            self._next_check = now + CHECK_EVERY_SECONDS
            self._look_at_holders(concurrency_key, now - self._waiting_since)
            self._pending_timeouts[step_key] = min(self._pending_timeouts[step_key], time.time() + CHECK_EVERY_SECONDS)
        return False

    def _look_at_holders(self, pool: str, waited: float) -> None:
        if release_dead_claims(self._instance, pool, exclude=self._own_run_id, say=say):
            self._pending_timeouts.clear()  # a slot may be free now: ask again at once
            return
        held_by = holders(self._instance, pool, exclude=self._own_run_id)
        names = tuple(h.run_id for h in held_by)
        who = "; ".join(h.describe() for h in held_by) or "runs queued ahead of this one"
        if waited >= self._limit:
            raise WriterBusy(
                f"gave up waiting for the warehouse after {waited:.0f}s (limit {self._limit:.0f}s), held by {who}. "
                "Wait for that run to finish (or stop it; a dead one is released automatically), then run again; "
                "JOURNEYS_WRITER_WAIT_SECONDS sets the limit"
            )
        if names and names != self._announced:
            self._announced = names
            say(f"waiting for the warehouse, held by {who}; giving up after {self._limit:.0f}s (Ctrl-C stops)")

    def interval_to_next_pending_claim_check(self) -> float:
        if not self._pending_claims:
            return 0.0
        due = min(self._pending_timeouts.values(), default=time.time()) - time.time()
        return min(max(due, 0.05), NAP_SECONDS)


@contextmanager
def writer_wait(instance: DagsterInstance, run_id: str) -> Iterator[None]:
    """Around ``execute_in_process``: release dead runs' claims first, wait the journeys way, and give back this
    run's own claims at the end whatever happened (Dagster keeps a slot claimed by an interrupted step)."""
    if getattr(in_process, "InstanceConcurrencyContext", None) is not InstanceConcurrencyContext:
        raise RuntimeError(
            "dagster's in-process executor no longer uses InstanceConcurrencyContext (dagster was upgraded?); "
            "check orchestration/runner/writer_wait.py against the installed dagster before running"
        )
    release_dead_claims(instance, WRITER_POOL, exclude=run_id, say=say)
    in_process.InstanceConcurrencyContext = _WriterWaitContext  # type: ignore[misc]
    try:
        yield
    finally:
        in_process.InstanceConcurrencyContext = InstanceConcurrencyContext  # type: ignore[misc]
        # A second Ctrl-C must not cut this short: it is held back until the run's state is settled.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            run = instance.get_run_by_id(run_id)
            if run is not None and not run.is_finished:
                instance.report_run_failed(run, "the journeys run process stopped before the run ended")
            if instance.event_log_storage.supports_global_concurrency_limits:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
