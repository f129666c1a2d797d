"""``generate``: simulate people batch by batch and stream their rows into every monthly file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from orchestration.synthetic.arguments import validate_arguments
from orchestration.synthetic.dates import last_day, month_label
from orchestration.synthetic.fault_kinds import RowDamager
from orchestration.synthetic.faults import FaultInjector
from orchestration.synthetic.geography import build_geography
from orchestration.synthetic.person_batches import Job, default_workers, run_batches
from orchestration.synthetic.seed_codes import load_reference
from orchestration.synthetic.self_check import check_codes
from orchestration.synthetic.summary import GenerateSummary
from orchestration.synthetic.writer import DEFAULT_FLUSH_BYTES, SubmissionWriter, file_name


def generate(
    out_dir: Path,
    clients: int = 2000,
    providers: int = 6,
    start: str = "2025-01",
    end: str = "2026-06",
    seed: int = 0,
    error_rate: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
    *,
    workers: int | None = None,
    flush_bytes: int = DEFAULT_FLUSH_BYTES,
) -> GenerateSummary:
    """Write synthetic monthly submissions for ``providers`` providers from ``start`` to ``end`` (``YYYY-MM``,
    inclusive) into ``out_dir``; byte-identical for the same arguments. ``progress(done, total)`` is called as
    clients are simulated. ``workers``: processes simulating people (default: one per CPU, at most 8, for runs
    of 1,000 clients or more); it never changes the output. ValueError on bad arguments."""
    settings = validate_arguments(out_dir, clients, providers, start, end, seed, error_rate, progress)
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a whole number of at least 1, got {workers!r}")
    reference = load_reference()
    check_codes(reference)
    geography = build_geography(reference, settings.providers, settings.seed)
    months = list(settings.months)
    names = [file_name(code, month_label(month)) for code in geography.codes for month in months]
    month_ends = [last_day(month) for _ in geography.codes for month in months]
    injector = FaultInjector(settings.seed, settings.error_rate, names, month_ends, RowDamager(reference.la_codes))
    writer = SubmissionWriter(settings.out_dir, names, injector if settings.error_rate > 0 else None, flush_bytes)
    writer.create()
    job = Job(settings.seed, settings.providers, settings.start_month, settings.end_month)
    episodes = _simulate(job, settings.clients, workers or default_workers(settings.clients), writer, progress)
    stats = writer.close()
    manifest = injector.write_manifest(settings.out_dir)
    return GenerateSummary(
        out_dir=settings.out_dir,
        files_written=stats.files,
        rows_written=stats.rows,
        clients=settings.clients,
        providers=settings.providers,
        regions=len(geography.regions),
        episodes=episodes,
        start=settings.start,
        end=settings.end,
        seed=settings.seed,
        error_rate=settings.error_rate,
        faults_injected=injector.total,
        faults_by_kind=injector.counts(),
        manifest=manifest,
    )


def _simulate(
    job: Job, clients: int, workers: int, writer: SubmissionWriter, progress: Callable[[int, int], None] | None
) -> int:
    """Simulate ``clients`` people in batches on ``workers`` processes, handing each month's rows to ``writer``;
    the number of episodes simulated."""
    done = episodes = 0
    if progress is not None:
        progress(0, clients)
    for result in run_batches(job, clients, workers):
        for key, count, text, rows in result.segments:
            writer.add_months(key, count, text, rows)
        done += result.people
        episodes += result.episodes
        if progress is not None:
            progress(done, clients)
    return episodes
