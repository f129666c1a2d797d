"""The ``journeys`` command: generate, run, validate. One readable summary; non-zero exit with one line on failure."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

USAGE_ERROR = 2


class UsageError(Exception):
    pass


def _fail(message: str, code: int = 1) -> int:
    print(f"journeys: error: {message}", file=sys.stderr)
    return code


def cmd_generate(args: argparse.Namespace) -> int:
    """``journeys generate``: write synthetic submissions, with a progress bar."""
    from rich.progress import Progress

    from orchestration.synthetic import generate

    with Progress(transient=True) as bar:
        task = bar.add_task("generating submissions", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = generate(
                Path(args.out),
                clients=args.clients,
                providers=args.providers,
                start=args.start,
                end=args.end,
                seed=args.seed,
                error_rate=args.error_rate,
                progress=progress,
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    print(summary.describe())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``journeys run``: check the inputs, run the pipeline in-process and print its summary."""
    from orchestration.settings import parse_as_of

    try:
        parse_as_of(args.as_of)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    from orchestration.preflight import LandingError, preflight
    from orchestration.settings import paths

    # --landing/--warehouse/--serving reach the run as its run config (JourneysConfig), not through os.environ
    where = paths(args.landing, args.warehouse, args.serving)
    locations = {
        flag: str(getattr(where, flag)) if getattr(args, flag) else "" for flag in ("landing", "warehouse", "serving")
    }
    try:
        preflight(where)  # before Dagster starts: nothing is written when the inputs or the key are wrong
    except LandingError as exc:
        raise UsageError(str(exc)) from exc
    except RuntimeError as exc:  # another key than the warehouse's, or no key in production
        return _fail(str(exc))
    if not os.environ.get("JOURNEYS_PSEUDONYM_KEY"):
        print(
            "journeys: WARNING: JOURNEYS_PSEUDONYM_KEY is not set; using the development key. "
            "Never publish a serving database built this way.",
            file=sys.stderr,
        )
    from orchestration.runner.pipeline import run_pipeline

    outcome = run_pipeline(
        as_of=args.as_of or "", engine=args.engine, replace_serving=args.replace_serving, **locations
    )
    print(outcome.summary)
    if not outcome.success:
        return _fail(outcome.failure or "the run failed")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``journeys validate``: gate files in memory and print each one's verdict, writing nothing."""
    from orchestration.gate import validate_files

    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    results = validate_files(paths, max_failure_share=args.max_failure_share)
    rejected = 0
    for result in results:
        print(result.report)
        rejected += result.rejected
    print(f"{len(results)} file(s) checked: {len(results) - rejected} would be accepted, {rejected} would be rejected")
    return 1 if rejected else 0


def cmd_publish(args: argparse.Namespace) -> int:
    """``journeys publish``: write the regional packs from the serving snapshot."""
    from rich.progress import Progress

    from orchestration.publication import PublicationError
    from orchestration.publish import describe, parse_month, publish_packs
    from orchestration.settings import paths

    try:
        month = parse_month(args.month) if args.month else None
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    where = paths(serving=args.serving)
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("publishing regional packs", total=None)
        try:
            packs = publish_packs(
                where, month, args.region or (), lambda _, done, total: bar.update(task, completed=done, total=total)
            )
        except PublicationError as exc:
            return _fail(str(exc))
    print(describe(packs, where.serving))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``journeys`` command line (``spec/interfaces.md``)."""
    from orchestration.settings import ENGINES

    parser = argparse.ArgumentParser(prog="journeys", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write realistic synthetic monthly submissions")
    gen.add_argument("--out", required=True, help="directory to write <AGNCY>/<AGNCY>_<YYYY-MM>.csv into")
    gen.add_argument("--clients", type=int, default=2000)
    gen.add_argument("--providers", type=int, default=6)
    gen.add_argument("--start", default="2025-01", help="first reporting month, YYYY-MM")
    gen.add_argument("--end", default="2026-06", help="last reporting month, YYYY-MM")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--error-rate", type=float, default=0.0, help="share of rows given a realistic fault")
    gen.set_defaults(func=cmd_generate)

    run = sub.add_parser("run", help="ingest → gate → dbt → marts → serving snapshot, through Dagster")
    run.add_argument("--landing", help="landing directory (default $JOURNEYS_LANDING or data/landing)")
    run.add_argument("--warehouse", help="warehouse DuckDB file (default $JOURNEYS_WAREHOUSE or data/warehouse.duckdb)")
    run.add_argument("--serving", help="serving DuckDB file (default $JOURNEYS_SERVING or data/serving.duckdb)")
    run.add_argument("--as-of", help="reporting date, a month end (YYYY-MM-DD); later months are left out")
    run.add_argument("--engine", choices=ENGINES, default="duckdb", help="where dbt runs (docs/deployment.md)")
    run.add_argument(
        "--replace-serving",
        action="store_true",
        help="publish even a snapshot with fewer accepted submissions, an earlier as_of or another key than the "
        "current serving file (without it such a run fails and leaves the snapshot as it was)",
    )
    run.set_defaults(func=cmd_run)

    pub = sub.add_parser("publish", help="write the regional publication packs from the serving snapshot")
    pub.add_argument("--month", help="reporting month, YYYY-MM (default: the latest complete month)")
    pub.add_argument(
        "--region", action="extend", nargs="+", metavar="CODE", help="region code(s) (default: every region with data)"
    )
    pub.add_argument("--serving", help="serving DuckDB file (default $JOURNEYS_SERVING or data/serving.duckdb)")
    pub.set_defaults(func=cmd_publish)

    val = sub.add_parser("validate", help="gate files without loading them; exit 1 if any would be rejected")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.add_argument("--max-failure-share", type=float, default=0.5)
    val.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    # SIGTERM (kill, systemd, a scheduler) stops a command exactly like Ctrl-C: cleanly, with one line. Set first
    # (the heavy imports come later), and explicitly: a shell starts background jobs with SIGINT ignored.
    """Run one ``journeys`` command; its exit code (Ctrl-C and SIGTERM end it with one line and 130)."""
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.default_int_handler)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=r".*(is currently in beta|is currently in preview).*")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        return _fail(str(exc), USAGE_ERROR)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM; run_pipeline's RunInterrupted says what became of the run
        return _fail(str(exc) or "interrupted; the warehouse and the serving snapshot are left as they were", 130)


def entry_point() -> None:
    """Console script. Exits without interpreter teardown: duckdb 2.0's bindings print spurious "nanobind: leaked"
    reports at teardown once GX's SQL route (duckdb-engine) has been loaded, which would bury the summary."""
    code = main()
    if "great_expectations" not in sys.modules:
        sys.exit(code)  # normal teardown (e.g. the generator's worker pool cleans up after itself)
    _release_semaphores()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _release_semaphores() -> None:
    """Unlink the named semaphores dbt's spawn-context locks hold (the manifest's and the adapter's), as a normal
    exit would: ``os._exit`` skips that, and the multiprocessing resource tracker then warns at shutdown about
    "leaked semaphore objects" after the summary. These are the finalizers multiprocessing's exit hook runs first
    (priority 0 and up); the rest of that hook (joining child processes) is not wanted here."""
    from multiprocessing import util

    util._run_finalizers(0)


if __name__ == "__main__":
    entry_point()
