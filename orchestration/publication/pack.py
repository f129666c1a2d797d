"""Publish regional packs: CSVs, ``index.html`` and ``manifest.json`` under ``<out_dir>/<YYYY-MM>/<region>/``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.publication import reference
from orchestration.publication.atomic_dir import replace_directory
from orchestration.publication.cells import build_suppressed_cells, drop_temp_tables, materialise_published, order_by
from orchestration.publication.guard import assert_no_attributors
from orchestration.publication.report import PACK_FORMAT, FileFacts, generator, render_index
from orchestration.publication.suppression import PRIMARY_MAX, PRIMARY_MIN
from orchestration.publication.tables import PUBLISHED_TABLES, MartTable, published_columns
from orchestration.publication.window import (
    PublicationError,
    Window,
    first_of_month,
    latest_complete_month,
    month_end,
)

REQUIRED_MARTS = tuple(t.name for t in PUBLISHED_TABLES)


@dataclass(frozen=True)
class PackSummary:
    """What one pack holds: where it is, rows and suppressed cells per CSV file."""

    region_code: str
    region_name: str
    month: date  # first day of the reporting month
    path: Path
    rows: dict[str, int]
    suppressed_cells: dict[str, int]

    @property
    def total_suppressed(self) -> int:
        return sum(self.suppressed_cells.values())


def _check_marts(con: duckdb.DuckDBPyConnection) -> None:
    present = {
        r[0]
        for r in con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
    }
    missing = [t for t in REQUIRED_MARTS if t not in present]
    if missing:
        raise PublicationError(f"schema marts lacks table(s): {', '.join(missing)}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_csv(con: duckdb.DuckDBPyConnection, table: MartTable, name: str, path: Path) -> FileFacts:
    columns = published_columns(table)
    assert_no_attributors(table.file_name, columns)
    target = str(path).replace("'", "''")
    con.execute(f"copy (select * from {name} order by {order_by(table)}) to '{target}' (header true, delimiter ',')")
    markers = " + ".join(f"{c}::integer" for c in columns if c.endswith("_suppressed"))
    rows, suppressed = con.execute(f"select count(*), coalesce(sum({markers}), 0) from {name}").fetchall()[0]
    return FileFacts(table.file_name, int(rows), int(suppressed))


def _manifest(
    *,
    region_code: str,
    region_name: str,
    la_codes: list[str],
    window: Window,
    data_as_of: date,
    files: list[FileFacts],
    directory: Path,
    generated_at: str | None,
) -> dict[str, object]:
    fy_start, fy_end = window.financial_year
    entries: list[dict[str, object]] = []
    for facts, table in zip(files, PUBLISHED_TABLES, strict=True):
        path = directory / facts.name
        entries.append(
            {
                "name": facts.name,
                "rows": facts.rows,
                "suppressed_cells": facts.suppressed,
                "columns": list(published_columns(table)),
                "bytes": path.stat().st_size,
                "sha256": _sha256(path),
            }
        )
    index = directory / "index.html"
    entries.append({"name": "index.html", "bytes": index.stat().st_size, "sha256": _sha256(index)})
    manifest: dict[str, object] = {
        "pack_format": PACK_FORMAT,
        "generator": generator(),
        "region_code": region_code,
        "region_name": region_name,
        "month": window.label,
        "months_back": window.months_back,
        "first_month": window.first_month.strftime("%Y-%m"),
        "financial_year": {"start": fy_start.isoformat(), "end": fy_end.isoformat()},
        "data_as_of": data_as_of.isoformat(),
        "geographies": {"national": reference.ENGLAND_CODE, "region": region_code, "las": la_codes},
        "files": entries,
        "suppressed_cells": sum(f.suppressed for f in files),
        "disclosure_control": {
            "primary": f"counts from {PRIMARY_MIN} to {PRIMARY_MAX} suppressed; rates suppressed with their inputs",
            "secondary": "no constraint (region = its LAs, England = the regions, row total = its parts) is left "
            "with a single suppressed cell: the smallest other non-zero part is suppressed too (else the total)",
            "marker": "suppressed values are empty, with <column>_suppressed = true",
        },
    }
    if generated_at is not None:
        manifest["generated_at"] = generated_at
    return manifest


def _write_pack(
    con: duckdb.DuckDBPyConnection,
    region_code: str,
    window: Window,
    data_as_of: date,
    out_dir: Path,
    generated_at: str | None,
) -> PackSummary:
    region_name = reference.region_name(con, region_code) or region_code
    la_codes = [
        r[0]
        for r in con.execute(
            f"select la_code from {reference.GEO_TABLE} where region_code = ? order by la_code", [region_code]
        ).fetchall()
    ]
    files: list[FileFacts] = []

    def build(directory: Path) -> None:
        for table in PUBLISHED_TABLES:
            name = materialise_published(con, table, region_code)
            files.append(_write_csv(con, table, name, directory / table.file_name))
        html = render_index(
            con,
            region_code=region_code,
            region_name=region_name,
            la_count=len(la_codes),
            window=window,
            data_as_of=data_as_of,
            files=files,
            generated_at=generated_at,
        )
        (directory / "index.html").write_text(html, encoding="utf-8", newline="\n")
        manifest = _manifest(
            region_code=region_code,
            region_name=region_name,
            la_codes=la_codes,
            window=window,
            data_as_of=data_as_of,
            files=files,
            directory=directory,
            generated_at=generated_at,
        )
        (directory / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8", newline="\n"
        )

    target = out_dir / window.label / region_code
    replace_directory(target, build)
    return PackSummary(
        region_code=region_code,
        region_name=region_name,
        month=window.month,
        path=target,
        rows={f.name: f.rows for f in files},
        suppressed_cells={f.name: f.suppressed for f in files},
    )


def _prepare(
    con: duckdb.DuckDBPyConnection,
    month: date | None,
    months_back: int,
    la_regions_csv: Path | None,
    region_code: str | None = None,
) -> tuple[Window, date]:
    """Check the arguments and the marts, load the reference geography and suppress the window's cells."""
    if months_back < 1:
        raise PublicationError(f"months_back must be at least 1, not {months_back}")
    _check_marts(con)
    reference.load_geography(con, la_regions_csv)
    if region_code is not None and region_code not in reference.region_codes(con):
        raise PublicationError(f"unknown region code {region_code!r} (not in the LA/region reference data)")
    latest = latest_complete_month(con)
    chosen = latest if month is None else first_of_month(month)
    if chosen > latest:
        raise PublicationError(
            f"month {chosen:%Y-%m} is not complete in the data (the latest complete month is {latest:%Y-%m})"
        )
    window = Window(chosen, months_back)
    build_suppressed_cells(con, window)
    return window, month_end(latest)


def publish_region_pack(
    con: duckdb.DuckDBPyConnection,
    region_code: str,
    month: date,
    out_dir: Path,
    months_back: int = 12,
    *,
    la_regions_csv: Path | None = None,
    generated_at: str | None = None,
) -> PackSummary:
    """Write the pack of ``region_code`` for reporting month ``month`` (any day of it) under ``out_dir``.

    ``generated_at`` (optional, e.g. an ISO timestamp) is written into the pack; without it the pack is a pure
    function of the data, so two runs on the same data give identical files.
    """
    try:
        window, data_as_of = _prepare(con, month, months_back, la_regions_csv, region_code)
        return _write_pack(con, region_code, window, data_as_of, Path(out_dir), generated_at)
    finally:
        drop_temp_tables(con)


def publish_all_regions(
    con: duckdb.DuckDBPyConnection,
    month: date | None,
    out_dir: Path,
    months_back: int = 12,
    *,
    la_regions_csv: Path | None = None,
    generated_at: str | None = None,
) -> list[PackSummary]:
    """Write one pack per region of the reference data (``month`` None: the latest complete month)."""
    try:
        window, data_as_of = _prepare(con, month, months_back, la_regions_csv)
        return [
            _write_pack(con, region, window, data_as_of, Path(out_dir), generated_at)
            for region in reference.region_codes(con)
        ]
    finally:
        drop_temp_tables(con)
