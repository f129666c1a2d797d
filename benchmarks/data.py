"""Benchmark inputs, cached under the work directory keyed by size: generated landing sets and ingested warehouses.

``<work>/c<clients>_p<providers>_<start>_<end>/`` holds the generator's files (``_generator/done`` marks a complete
set); ``<work>/warehouses/<same key>/warehouse.duckdb`` the same files ingested (``done`` marks it complete).
Every warehouse file is named ``warehouse.duckdb``: dbt-duckdb names the catalog after the file's stem and writes
it into compiled SQL, so copies must keep the name to run the same SQL.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.landing import discover
from orchestration.synthetic import generate

SEED = 1
WAREHOUSE_NAME = "warehouse.duckdb"


@dataclass(frozen=True)
class DataSet:
    clients: int
    providers: int
    start: str  # YYYY-MM
    end: str  # YYYY-MM

    @property
    def key(self) -> str:
        return f"c{self.clients}_p{self.providers}_{self.start}_{self.end}"

    def describe(self) -> str:
        months = self.start if self.start == self.end else f"{self.start}..{self.end}"
        return f"{self.clients:,} clients, {self.providers} providers, {months}"


def month_before(month: str, count: int) -> str:
    """``YYYY-MM`` ``count`` months before ``month``."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def landing(work: Path, data: DataSet) -> Path:
    """The generated files of ``data`` (generated once, then reused)."""
    path = work / data.key
    marker = path / "_generator" / "done"
    if not marker.exists():
        print(f"generating {data.describe()} into {path} (cached for later runs) ...", flush=True)
        summary = generate(
            path, clients=data.clients, providers=data.providers, start=data.start, end=data.end, seed=SEED
        )
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{summary.rows_written} rows in {summary.files_written} files\n")
    return path


def submission_files(path: Path) -> list[Path]:
    """The submission files of a landing directory, exactly as ingestion finds them (no ``_generator/``)."""
    return [file.path for file in discover(path)]


def cached_warehouse(work: Path, data: DataSet) -> Path | None:
    path = work / "warehouses" / data.key / WAREHOUSE_NAME
    return path if (path.parent / "done").exists() else None


def keep_warehouse(work: Path, data: DataSet, built: Path) -> Path:
    """Move a freshly ingested warehouse into the cache (replacing any incomplete one); returns its new path."""
    target = work / "warehouses" / data.key / WAREHOUSE_NAME
    shutil.rmtree(target.parent, ignore_errors=True)
    target.parent.mkdir(parents=True)
    shutil.move(built, target)
    (target.parent / "done").write_text("ok\n")
    return target


def ingested_warehouse(work: Path, data: DataSet) -> Path:
    """A warehouse with every file of ``data`` ingested (status ``loaded``, not gated), built once and cached."""
    cached = cached_warehouse(work, data)
    if cached is not None:
        return cached
    files = landing(work, data)
    scratch = scratch_dir(work, "ingest_cache") / WAREHOUSE_NAME
    print(f"ingesting {data.describe()} into a cached warehouse (untimed) ...", flush=True)
    from orchestration.ingest.run import ingest_landing
    from orchestration.warehouse import connect

    with connect(scratch) as con:
        summary = ingest_landing(con, files)
        con.execute("checkpoint")
    print(f"  {summary.describe()}", flush=True)
    path = keep_warehouse(work, data, scratch)
    shutil.rmtree(scratch.parent, ignore_errors=True)
    return path


def scratch_root(work: Path) -> Path:
    """This process's scratch folder (concurrent benchmark runs never share one); removed by the CLI at exit."""
    return work / "scratch" / f"run-{os.getpid()}"


def scratch_dir(work: Path, name: str) -> Path:
    """A new, empty ``<scratch root>/<name>/`` (anything left there by an earlier stage is removed)."""
    folder = scratch_root(work) / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def scratch_copy(work: Path, source: Path, name: str) -> Path:
    """A fresh copy of a cached warehouse at ``<scratch root>/<name>/warehouse.duckdb``."""
    target = scratch_dir(work, name) / WAREHOUSE_NAME
    shutil.copyfile(source, target)
    return target


def drop_scratch(work: Path, name: str) -> None:
    shutil.rmtree(scratch_root(work) / name, ignore_errors=True)
