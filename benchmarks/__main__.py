"""``python -m benchmarks [ingest|gate|gate-files|dbt|e2e|all] [--clients N] [--providers P] [--month YYYY-MM] ...``

Generates synthetic data of the given size (cached under ``.bench/`` keyed by size, so reruns skip generation and
ingestion of the inputs), then times each stage against a DuckDB-only baseline measured in the same run, printing
seconds, rows/s, the ratio and peak memory, and ends with one verdict line per target:

- ingest: ``ingest_landing`` vs ``read_csv(all_varchar)`` into a table, on a national month (<= 1.5x);
- gate: one gate pass over every submission of that month vs the same rule queries run once in plain SQL (<= 1.5x);
- gate-files: 1,000 files of 10 rows vs one file of the same 10,000 rows, each gated in one pass (<= 3x);
- dbt: ``dbt build`` on a national year vs dbt's compiled SQL run directly in DuckDB (<= 2x, peak < 6 GB);
- e2e: ``journeys run`` (a subprocess, as a user runs it) on a national year from an empty warehouse: each step's
  time and peak memory, each stage's ratio to its DuckDB-only floor measured in the same run; then one more month
  of files and the incremental run (year <= 5 min, peak <= 6 GB, gate step <= 3x ingest step). Not part of
  ``all``. The demo's size: ``python -m benchmarks e2e --clients 2000 --providers 6 --months 18``.

Defaults are national scale: a month of ~2,000,000 rows (500,000 clients, 150 providers) and a year of 12
cumulative monthly files (300,000 clients, ~14M rows); the first run generates and ingests them (~15 minutes),
later runs reuse them. Smoke run (under a minute for all three once its inputs are cached):
``python -m benchmarks all --clients 2000 --providers 6``. A missed target is reported, not an error (exit 0).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.data import DataSet, month_before, scratch_root
from benchmarks.measure import Verdict

MONTH_CLIENTS = 500_000
YEAR_CLIENTS = 300_000


def _run_stage(
    stage: str, work: Path, month: DataSet, year: DataSet, args: argparse.Namespace
) -> tuple[str, list[Verdict]]:
    if stage == "ingest":
        from benchmarks import ingest

        return ingest.run(work, month, breakdown=not args.no_breakdown, repeat=args.repeat)
    if stage == "gate":
        from benchmarks import gate

        return gate.run(work, month, repeat=args.repeat)
    if stage == "e2e":
        from benchmarks import e2e

        return e2e.run(work, year)
    if stage == "gate-files":
        from benchmarks import gate

        return gate.run_files(work, repeat=args.repeat)
    from benchmarks import dbt

    return dbt.run(work, year, gate=args.gate_year, memory_limit=args.memory_limit, threads=args.dbt_threads)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "stage", nargs="?", default="all", choices=["ingest", "gate", "gate-files", "dbt", "e2e", "all"]
    )
    parser.add_argument(
        "--clients",
        type=int,
        help=f"clients of every set (default {MONTH_CLIENTS:,} for the month, {YEAR_CLIENTS:,} for the year)",
    )
    parser.add_argument("--year-clients", type=int, help="clients of the dbt stage's year (overrides --clients)")
    parser.add_argument("--providers", type=int, default=150)
    parser.add_argument("--month", default="2026-06", help="the national month; also the year's last month")
    parser.add_argument("--months", type=int, default=12, help="months of the dbt stage's year")
    parser.add_argument(
        "--gate-year",
        action="store_true",
        help="dbt stage: gate the year's files (one gate pass) instead of accepting them with SQL",
    )
    parser.add_argument(
        "--memory-limit",
        help="dbt stage: DuckDB memory_limit for both sides, e.g. 8GB (default: JOURNEYS_DUCKDB_MEMORY_LIMIT, else "
        "the default in dbt_project/profiles.yml)",
    )
    parser.add_argument("--dbt-threads", type=int, help="dbt stage: override the profile's dbt threads")
    parser.add_argument(
        "--repeat", type=int, default=1, help="ingest, gate: run each side N times and keep the fastest (noisy machine)"
    )
    parser.add_argument("--no-breakdown", action="store_true", help="ingest: skip the per-file-transaction run")
    parser.add_argument("--work", default=".bench", help="cache and scratch directory (default .bench)")
    args = parser.parse_args(argv)
    work = Path(args.work).absolute()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("JOURNEYS_PSEUDONYM_KEY", "benchmark-pseudonym-key-not-secret")
    month = DataSet(args.clients or MONTH_CLIENTS, args.providers, args.month, args.month)
    year = DataSet(
        args.year_clients or args.clients or YEAR_CLIENTS,
        args.providers,
        month_before(args.month, args.months - 1),
        args.month,
    )
    verdicts: list[Verdict] = []
    stages = ["ingest", "gate", "gate-files", "dbt"] if args.stage == "all" else [args.stage]
    started = time.perf_counter()
    try:
        for stage in stages:
            text, found = _run_stage(stage, work, month, year, args)
            print(text, flush=True)
            verdicts += found
    finally:
        shutil.rmtree(scratch_root(work), ignore_errors=True)
    print(f"== verdicts ({time.perf_counter() - started:.0f} s in all)")
    for verdict in verdicts:
        print(verdict.line())
    return 0  # a missed target is a finding, not a failure of the benchmark


if __name__ == "__main__":
    sys.exit(main())
