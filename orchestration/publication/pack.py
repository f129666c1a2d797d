"""Publish regional packs: CSVs, ``index.html`` and ``manifest.json`` under ``<out_dir>/<YYYY-MM>/<region>/``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.publication import regions
from orchestration.publication.atomic_dir import replace_directory
from orchestration.publication.cells import (
    build_suppressed_cells,
    drop_temp_tables,
    materialise_published,
    order_by,
    out_table,
)
from orchestration.publication.dictionary import DICTIONARY_FILE, write_dictionary
from orchestration.publication.guard import assert_no_attributors
from orchestration.publication.pack_page import PACK_FORMAT, FileFacts, PackFacts, generator, render_index
from orchestration.publication.release import ReleaseInfo, release_dates
from orchestration.publication.reporting_window import (
    PublicationError,
    Window,
    first_of_month,
    latest_complete_month,
    month_end,
)
from orchestration.publication.suppression import PRIMARY_MAX, PRIMARY_MIN
from orchestration.publication.tables import ALL_TABLES, V1_TABLES, MartTable, published_columns

REQUIRED_MARTS = tuple(t.name for t in V1_TABLES)


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
        """Cells suppressed in the whole pack."""
        return sum(self.suppressed_cells.values())


def _published_tables(con: duckdb.DuckDBPyConnection) -> tuple[MartTable, ...]:
    """The v1 tables (required) and the v2 tables present in ``marts`` (published once they exist)."""
    present = {
        r[0]
        for r in con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
    }
    missing = [t for t in REQUIRED_MARTS if t not in present]
    if missing:
        raise PublicationError(
            f"schema marts lacks table(s): {', '.join(missing)}; run the pipeline (journeys run) to build the "
            "serving snapshot, then publish again"
        )
    return tuple(t for t in ALL_TABLES if t.name in present)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_csv(con: duckdb.DuckDBPyConnection, table: MartTable, name: str, path: Path) -> FileFacts:
    columns = published_columns(table)
    assert_no_attributors(table.file_name, columns)
    con.sql(f"select * from {name} order by {order_by(table)}").write_csv(str(path), header=True, sep=",")
    markers = " + ".join(f"{c}::integer" for c in columns if c.endswith("_suppressed"))
    rows, suppressed = con.execute(f"select count(*), coalesce(sum({markers}), 0) from {name}").fetchall()[0]
    return FileFacts(table.file_name, int(rows), int(suppressed))


@dataclass(frozen=True)
class _Context:
    """What every pack of one publishing run shares."""

    window: Window
    data_as_of: date
    tables: tuple[MartTable, ...]
    release: ReleaseInfo
    generated_at: str | None


def _file_entry(directory: Path, name: str, **extra: object) -> dict[str, object]:
    path = directory / name
    return {"name": name, **extra, "bytes": path.stat().st_size, "sha256": _sha256(path)}


DISCLOSURE_CONTROL: dict[str, str] = {
    "primary": f"counts from {PRIMARY_MIN} to {PRIMARY_MAX} suppressed; rates suppressed with their inputs",
    "secondary": "no constraint (region = its LAs, England = the regions, row total = its parts, substance "
    "groups = all) is left with a single suppressed cell, or with suppressed parts that are all zeros: the "
    "smallest other non-zero part is suppressed too (else the total)",
    "rates": "when a rate is suppressed, zeros among its inputs are suppressed too (a zero numerator or a "
    "zero other part of the denominator would give the rate away)",
    "marker": "suppressed values are empty, with <column>_suppressed = true",
}


def _file_entries(facts: PackFacts, files: list[FileFacts], directory: Path) -> list[dict[str, object]]:
    """One manifest entry per file of the pack: its size, checksum and, for data files, its rows and columns."""
    entries: list[dict[str, object]] = [
        _file_entry(
            directory,
            f.name,
            measure=table.measure_name,
            rows=f.rows,
            suppressed_cells=f.suppressed,
            columns=list(published_columns(table)),
        )
        for f, table in zip(files, facts.tables, strict=True)
    ]
    entries.append(_file_entry(directory, DICTIONARY_FILE, description="data dictionary: every column of every file"))
    entries.append(_file_entry(directory, "index.html", description="summary page with charts"))
    return entries


def _release(facts: PackFacts) -> dict[str, object]:
    """The manifest's release block: dates, statistics status and who to contact."""
    release = facts.release
    return {
        "publication_date": facts.published.isoformat(),
        "next_release_date": facts.next_release.isoformat(),
        "statistics_status": release.status,
        "synthetic_data": release.synthetic,
        "statement": facts.status_statement,
        "source": release.source,
        "revisions_policy": release.revisions_policy,
        "contact": release.contact,
    }


def _manifest(facts: PackFacts, files: list[FileFacts], directory: Path) -> dict[str, object]:
    fy_start, fy_end = facts.window.financial_year
    manifest: dict[str, object] = {
        "pack_format": PACK_FORMAT,
        "generator": generator(),
        "title": facts.title,
        "region_code": facts.region_code,
        "region_name": facts.region_name,
        "month": facts.window.label,
        "months_back": facts.window.months_back,
        "first_month": facts.window.first_month.strftime("%Y-%m"),
        "financial_year": {
            "start": fy_start.isoformat(),
            "end": fy_end.isoformat(),
            "year_to_date": fy_end > facts.data_as_of,
        },
        "data_as_of": facts.data_as_of.isoformat(),
        "release": _release(facts),
        "geographies": {
            "national": regions.ENGLAND_CODE,
            "region": facts.region_code,
            "region_has_data": facts.region_has_data,
            "las": facts.las_with_data,
            "las_without_data": facts.las_without_data,
        },
        "provisional_periods": facts.provisional,
        "indicators": [t.measure_name for t in facts.tables],
        "files": _file_entries(facts, files, directory),
        "suppressed_cells": sum(f.suppressed for f in files),
        "disclosure_control": DISCLOSURE_CONTROL,
    }
    if facts.generated_at is not None:
        manifest["generated_at"] = facts.generated_at
    return manifest


def _geographies(
    con: duckdb.DuckDBPyConnection, region_code: str, tables: tuple[MartTable, ...]
) -> tuple[bool, list[str], list[str]]:
    """(the region has data, its LAs with data, its LAs without data) in the published rows of the window."""
    seen = " union ".join(f"select geography_level, geography_code from {out_table(t)}" for t in tables)
    rows = con.execute(
        f"""
        with seen as ({seen})
        select g.la_code, exists (select 1 from seen where geography_level = 'la' and geography_code = g.la_code),
               exists (select 1 from seen where geography_level = 'region' and geography_code = $region)
        from {regions.GEO_TABLE} as g
        where g.region_code = $region
        order by g.la_code
        """,
        {"region": region_code},
    ).fetchall()
    with_data = [code for code, has, _ in rows if has]
    without = [code for code, has, _ in rows if not has]
    region_has_data = bool(rows and rows[0][2]) or bool(with_data)
    return region_has_data, with_data, without


def _provisional(con: duckdb.DuckDBPyConnection, tables: tuple[MartTable, ...]) -> dict[str, list[str]]:
    """Per file, the periods published as provisional (QS8: the periods not complete: a year to date)."""
    found: dict[str, list[str]] = {}
    for table in tables:
        flag = "not complete" if table.period_type_column else "provisional" if table.provisional_when else None
        if flag is None:
            continue
        periods = con.execute(
            f"select distinct strftime({table.period_column}, '%Y-%m') from {out_table(table)} where {flag} order by 1"
        ).fetchall()
        if periods:
            found[table.file_name] = [p[0] for p in periods]
    return found


def _write_pack(con: duckdb.DuckDBPyConnection, region_code: str, run: _Context, out_dir: Path) -> PackSummary:
    region_name = regions.region_name(con, region_code) or region_code
    files: list[FileFacts] = []

    def build(directory: Path) -> None:
        for table in run.tables:
            name = materialise_published(con, table, region_code)
            files.append(_write_csv(con, table, name, directory / table.file_name))
        write_dictionary(directory / DICTIONARY_FILE, run.tables)
        region_has_data, las_with, las_without = _geographies(con, region_code, run.tables)
        published, next_release = release_dates(run.window.month, run.generated_at)
        facts = PackFacts(
            region_code=region_code,
            region_name=region_name,
            window=run.window,
            data_as_of=run.data_as_of,
            tables=run.tables,
            release=run.release,
            published=published,
            next_release=next_release,
            region_has_data=region_has_data,
            las_with_data=las_with,
            las_without_data=las_without,
            la_names=regions.la_names(con, region_code),
            provisional=_provisional(con, run.tables),
            generated_at=run.generated_at,
        )
        html = render_index(con, facts, files)
        (directory / "index.html").write_text(html, encoding="utf-8", newline="\n")
        (directory / "manifest.json").write_text(
            json.dumps(_manifest(facts, files, directory), indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
            newline="\n",
        )

    target = out_dir / run.window.label / region_code
    replace_directory(target, build)
    return PackSummary(
        region_code=region_code,
        region_name=region_name,
        month=run.window.month,
        path=target,
        rows={f.name: f.rows for f in files},
        suppressed_cells={f.name: f.suppressed for f in files},
    )


def _prepare(
    con: duckdb.DuckDBPyConnection,
    month: date | None,
    months_back: int,
    la_regions_csv: Path | None,
    release: ReleaseInfo | None,
    generated_at: str | None,
    region_code: str | None = None,
) -> _Context:
    """Check the arguments and the marts, load the reference geography and suppress the window's cells."""
    if months_back < 1:
        raise PublicationError(f"months_back must be at least 1, not {months_back}")
    tables = _published_tables(con)
    regions.load_geography(con, la_regions_csv)
    if region_code is not None and region_code not in regions.region_codes(con):
        raise PublicationError(
            f"unknown region code {region_code!r}: use one of {', '.join(regions.region_codes(con))}"
        )
    latest = latest_complete_month(con)
    chosen = latest if month is None else first_of_month(month)
    if chosen > latest:
        raise PublicationError(
            f"month {chosen:%Y-%m} is not complete in the data (the latest complete month is {latest:%Y-%m}): "
            f"publish {latest:%Y-%m} or an earlier month"
        )
    window = Window(chosen, months_back)
    release_dates(window.month, generated_at)  # a bad generated_at fails before anything is written
    build_suppressed_cells(con, window, tables)
    return _Context(
        window=window,
        data_as_of=month_end(latest),
        tables=tables,
        release=release or ReleaseInfo.from_environment(settings.paths().landing),
        generated_at=generated_at,
    )


def publish_region_pack(
    con: duckdb.DuckDBPyConnection,
    region_code: str,
    month: date | None,
    out_dir: Path,
    months_back: int = 12,
    *,
    la_regions_csv: Path | None = None,
    generated_at: str | None = None,
    release: ReleaseInfo | None = None,
) -> PackSummary:
    """Write the pack of ``region_code`` for reporting month ``month`` (any day of it; None: the latest complete
    month) under ``out_dir``.

    ``generated_at`` (optional, e.g. an ISO timestamp) is written into the pack and is its publication date;
    without it the pack is a pure function of the data, so two runs on the same data give identical files.
    ``release`` (status, synthetic or not, contact): default ``ReleaseInfo.from_environment``.
    """
    try:
        run = _prepare(con, month, months_back, la_regions_csv, release, generated_at, region_code)
        return _write_pack(con, region_code, run, Path(out_dir))
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
    release: ReleaseInfo | None = None,
) -> list[PackSummary]:
    """Write one pack per region of the reference data (``month`` None: the latest complete month)."""
    try:
        run = _prepare(con, month, months_back, la_regions_csv, release, generated_at)
        return [_write_pack(con, region, run, Path(out_dir)) for region in regions.region_codes(con)]
    finally:
        drop_temp_tables(con)


def regions_with_data(con: duckdb.DuckDBPyConnection, *, la_regions_csv: Path | None = None) -> list[str]:
    """The reference regions with at least one row (at region or LA level) in the v1 marts."""
    regions.load_geography(con, la_regions_csv)
    try:
        union = " union ".join(f"select geography_level, geography_code from marts.{t.name}" for t in V1_TABLES)
        rows = con.execute(
            f"""
            with seen as ({union})
            select distinct g.region_code from {regions.GEO_TABLE} as g join seen
              on (seen.geography_level = 'region' and seen.geography_code = g.region_code)
              or (seen.geography_level = 'la' and seen.geography_code = g.la_code)
            order by 1
            """
        ).fetchall()
        return [r[0] for r in rows]
    finally:
        drop_temp_tables(con)
