"""One ingestion pass over the landing directory: log every new file, load the usable ones into ``raw``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.ingest import submissions_log
from orchestration.ingest.errors import FileRejected
from orchestration.ingest.landing import LandingFile, discover
from orchestration.ingest.load import load_csv
from orchestration.ingest.naming import FileName, parse_file_name
from orchestration.ingest.scan import scan_file

log = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    files_seen: int = 0
    already_logged: int = 0
    loaded: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped_after_as_of: int = 0
    rows_loaded: int = 0
    malformed_lines: int = 0
    loaded_ids: list[int] = field(default_factory=list)
    rejections: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    @property
    def new_files(self) -> int:
        return self.loaded + self.duplicate + self.rejected

    def describe(self) -> str:
        if self.new_files == 0:
            return f"no new files in the landing directory ({self.files_seen} seen, all already processed)"
        return (
            f"{self.files_seen} files seen: {self.loaded} loaded ({self.rows_loaded:,} rows), "
            f"{self.duplicate} duplicate, {self.rejected} rejected, {self.already_logged} already processed"
            + (f", {self.skipped_after_as_of} after as_of left alone" if self.skipped_after_as_of else "")
        )


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    as_of: date | None = None,
    months: set[date] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Log and load every new file. ``as_of`` leaves later months untouched; ``months`` restricts to some months
    (a Dagster partition; a file whose name carries no month is logged by any run). Each file is its own
    transaction: a failure leaves none of its rows behind."""
    summary = IngestSummary()
    files = discover(landing)
    for index, file in enumerate(files, start=1):
        _ingest_file(con, file, as_of, months, summary)
        if progress:
            progress(index, len(files))
    return summary


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    file: LandingFile,
    as_of: date | None,
    months: set[date] | None,
    summary: IngestSummary,
) -> None:
    name: FileName | None = None
    name_problem: str | None = None
    try:
        name = parse_file_name(file.base_name)
    except FileRejected as exc:
        name_problem = exc.reason
    if name is not None and (
        (as_of is not None and name.reporting_month > as_of)
        or (months is not None and name.reporting_month not in months)
    ):
        summary.skipped_after_as_of += as_of is not None and name.reporting_month > as_of
        return
    summary.files_seen += 1
    scan = scan_file(file.path)
    if submissions_log.already_seen(con, file, scan.sha256):
        summary.already_logged += 1
        return
    if name is None:
        submissions_log.record(con, file, scan, None, "rejected", name_problem)
        summary.rejected += 1
        summary.rejections.append((file.relative_name, name_problem or ""))
        return
    duplicate = submissions_log.duplicate_of(con, name, scan.sha256)
    if duplicate is not None:
        submissions_log.record(
            con, file, scan, name, "duplicate", f"byte-identical to submission {duplicate}; nothing loaded", duplicate
        )
        summary.duplicate += 1
        return
    if scan.utf8_error:
        reason = f"the file is not UTF-8 text (first bad byte at {scan.utf8_error}); export it as UTF-8 CSV and resend"
        submissions_log.record(con, file, scan, name, "rejected", reason)
        summary.rejected += 1
        summary.rejections.append((file.relative_name, reason))
        return
    con.execute("begin transaction")
    try:
        submission_id = submissions_log.record(con, file, scan, name, "loaded")
        result = load_csv(con, file.path, submission_id, scan.blank_lines)
        con.execute("commit")
    except FileRejected as exc:
        con.execute("rollback")
        submissions_log.record(con, file, scan, name, "rejected", exc.reason)
        summary.rejected += 1
        summary.rejections.append((file.relative_name, exc.reason))
        return
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        con.execute("rollback")
        reason = _reader_reason(exc)
        submissions_log.record(con, file, scan, name, "rejected", reason)
        summary.rejected += 1
        summary.rejections.append((file.relative_name, reason))
        return
    except BaseException:
        con.execute("rollback")
        raise
    summary.loaded += 1
    summary.rows_loaded += result.rows_loaded
    summary.malformed_lines += result.malformed_lines
    summary.loaded_ids.append(submission_id)


def _reader_reason(exc: Exception) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    log.warning("CSV reader failed: %s", exc)
    return (
        f"the file could not be read as CSV ({first_line[:200]}); check it is a comma-separated export with "
        "one header row and resend"
    )
