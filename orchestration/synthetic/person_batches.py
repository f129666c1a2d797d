"""People are simulated in fixed batches of ``BATCH_SIZE``, each with its own random stream and id range, so that
batches can run in worker processes (simulation is most of the cost) while the parent writes their rows in batch
order. The files are byte-identical whatever the number of workers: nothing depends on which process ran a batch.

A batch's result is its episodes' rows as segments ``(file key of the first month, months, rows text, rows)``;
the parent keeps at most ``2 x workers`` batches in flight, so memory stays bounded."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from orchestration.synthetic.data_window import Horizon
from orchestration.synthetic.geography import build_geography
from orchestration.synthetic.histories import HistorySimulator
from orchestration.synthetic.randomness import derive_rng
from orchestration.synthetic.seed_codes import load_reference
from orchestration.synthetic.snapshots import SnapshotRenderer

BATCH_SIZE = 250  # people per batch: ids are C/E + 5-digit batch + 4-digit number within the provider and batch
MAX_WORKERS = 8
SERIAL_BELOW = 4 * BATCH_SIZE  # smaller runs are not worth starting processes for

Segment = tuple[int, int, str, int]


@dataclass(frozen=True)
class Job:
    seed: int
    providers: int
    start_month: int
    end_month: int


@dataclass(frozen=True)
class BatchResult:
    people: int
    episodes: int
    segments: list[Segment]


class BatchRunner:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.reference = load_reference()
        self.geography = build_geography(self.reference, job.providers, job.seed)
        self.horizon = Horizon(job.start_month, job.end_month)
        self.renderer = SnapshotRenderer(self.horizon, self.geography.codes)

    def run(self, batch: int, people: int) -> BatchResult:
        """Generate batch ``batch`` of ``people`` histories."""
        rng = derive_rng(self.job.seed, "histories", str(batch))
        simulator = HistorySimulator(self.reference, self.geography, self.horizon, rng, batch)
        span = self.job.end_month - self.job.start_month + 1
        segments: list[Segment] = []
        episodes = 0
        for _ in range(people):
            for episode in simulator.history():
                episodes += 1
                base = episode.provider * span - self.job.start_month
                segments.extend(
                    (base + first, count, text, rows) for first, count, text, rows in self.renderer.segments(episode)
                )
        return BatchResult(people, episodes, segments)


_runner: BatchRunner | None = None  # one per worker process


def _start_worker(job: Job) -> None:
    global _runner
    _runner = BatchRunner(job)


def _run_in_worker(batch: int, people: int) -> BatchResult:
    if _runner is None:
        raise RuntimeError("worker not initialised")
    return _runner.run(batch, people)


def default_workers(clients: int) -> int:
    """Worker processes for ``clients``: one for small runs."""
    if clients < SERIAL_BELOW:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1, -(-clients // BATCH_SIZE)))


def run_batches(job: Job, clients: int, workers: int) -> Iterator[BatchResult]:
    """Every batch's result, in batch order."""
    sizes = [(batch, min(BATCH_SIZE, clients - batch * BATCH_SIZE)) for batch in range(-(-clients // BATCH_SIZE))]
    if workers <= 1:
        runner = BatchRunner(job)
        for batch, people in sizes:
            yield runner.run(batch, people)
        return
    # fork where the platform has it: unlike spawn it never re-runs the caller's main module, so a script without
    # an ``if __name__ == "__main__"`` guard works too; workers only run this module's code (already imported).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(job,)) as pool:
        pending: deque[Future[BatchResult]] = deque()
        queue = iter(sizes)
        for batch, people in queue:
            pending.append(pool.submit(_run_in_worker, batch, people))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().result()
            for batch, people in queue:
                pending.append(pool.submit(_run_in_worker, batch, people))
                break
            yield result
