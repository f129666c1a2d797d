"""``python -m benchmarks [ingest|gate|dbt|all] [--clients N] [--providers P] [--months M]``

Generates synthetic data of the given size (cached under ``.bench/``), then times each stage against a
DuckDB-only baseline measured in the same run, printing rows/s, the ratio and peak memory.
Defaults are national scale: a national month is ~2,000,000 rows (≈300,000 clients, 150 providers).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from orchestration.generate import generate


def _data(root: Path, clients: int, providers: int, start: str, end: str) -> Path:
    landing = root / f"c{clients}_p{providers}_{start}_{end}"
    marker = landing / "_generator" / "done"
    if not marker.exists():
        print(f"generating {clients:,} clients, {providers} providers, {start}..{end} into {landing} ...")
        generate(landing, clients=clients, providers=providers, start=start, end=end, seed=1)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("ok")
    return landing


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("stage", nargs="?", default="all", choices=["ingest", "gate", "dbt", "all"])
    parser.add_argument("--clients", type=int, default=300_000)
    parser.add_argument("--providers", type=int, default=150)
    parser.add_argument("--month", default="2026-06", help="the reporting month of the national-month set")
    parser.add_argument("--work", default=".bench", help="cache and scratch directory")
    args = parser.parse_args()
    work = Path(args.work).absolute()
    work.mkdir(parents=True, exist_ok=True)
    if args.stage in ("ingest", "all"):
        from benchmarks import ingest

        landing = _data(work, args.clients, args.providers, args.month, args.month)
        print(ingest.run(landing, work))


if __name__ == "__main__":
    main()
