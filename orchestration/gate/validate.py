"""``journeys validate FILE...``: gate files without touching the warehouse.

All files share one in-memory DuckDB: the warehouse schema, each file registered as a submission and loaded with
the ingestion loader (same checks of name, encoding and header), then one gate pass over every loaded file and
their provider reports, built set-based: checking 500 files costs about what checking one costs. Each file is
still judged on its own rows (the gate partitions every rule by submission), so its outcome is the one it would
get alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.gate.gate import GateOutcome, gate_submissions
from orchestration.gate.provider_feedback import render_reports
from orchestration.ingest import submissions_log
from orchestration.ingest.errors import FileRejected
from orchestration.ingest.landing import LandingFile
from orchestration.ingest.load import load_csv
from orchestration.ingest.naming import FileName, parse_file_name
from orchestration.ingest.scan import scan_file
from orchestration.warehouse import ensure_schema


@dataclass(frozen=True)
class FileValidation:
    path: Path
    status: str  # accepted / partially_accepted / rejected
    reason: str | None
    report: str
    outcome: GateOutcome | None = None  # None when the file was rejected before the gate (name, encoding, header)
    rows_failed: dict[str, int] = field(default_factory=dict)  # rule -> failing rows, failed rules only

    @property
    def rejected(self) -> bool:
        """True when the whole file was rejected."""
        return self.status == "rejected"


def validate_files(paths: list[Path], max_failure_share: float = 0.5) -> list[FileValidation]:
    """Gate the files in one in-memory DuckDB, one gate pass; nothing is written anywhere else."""
    con = duckdb.connect(":memory:")
    try:
        ensure_schema(con)
        loaded = [(Path(path), *_load(con, Path(path))) for path in paths]
        outcomes = {
            o.submission_id: o
            for o in gate_submissions(
                con, [sid for _, sid, rejection in loaded if rejection is None], max_failure_share
            )
        }
        reports = render_reports(con, [sid for _, sid, _ in loaded])
        logged = dict(
            (int(sid), (str(status), reason))
            for sid, status, reason in con.execute(
                "select submission_id, status, reason from ingest.submissions"
            ).fetchall()
        )
    finally:
        con.close()
    results = []
    for path, submission_id, _ in loaded:
        outcome = outcomes.get(submission_id)
        status, reason = logged[submission_id]
        results.append(
            FileValidation(
                path=path,
                status=status,
                reason=reason,
                report=reports[submission_id],
                outcome=outcome,
                rows_failed=outcome.rows_failed() if outcome else {},
            )
        )
    return results


def _load(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, str | None]:
    """Register and load the file as the ingestion does; returns (submission id, rejection reason or None)."""
    scan = scan_file(path)
    stat = path.stat()
    file = LandingFile(
        path=path,
        relative_name=path.name,
        size=stat.st_size,
        received_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC).replace(tzinfo=None),
    )
    name: FileName | None = None
    try:
        name = parse_file_name(path.name)
    except FileRejected as exc:
        return submissions_log.record(con, file, scan, None, "rejected", exc.reason), exc.reason
    if scan.utf8_error:
        reason = f"the file is not UTF-8 text (first bad byte at {scan.utf8_error}); export it as UTF-8 CSV and resend"
        return submissions_log.record(con, file, scan, name, "rejected", reason), reason
    con.execute("begin transaction")
    try:
        submission_id = submissions_log.record(con, file, scan, name, "loaded")
        load_csv(con, path, submission_id, scan.blank_lines)
        con.execute("commit")
    except FileRejected as exc:
        con.execute("rollback")
        return submissions_log.record(con, file, scan, name, "rejected", exc.reason), exc.reason
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        con.execute("rollback")
        reason = f"the file could not be read as CSV ({str(exc).strip()[:200]}); check it is a comma-separated export"
        return submissions_log.record(con, file, scan, name, "rejected", reason), reason
    except BaseException:
        con.execute("rollback")
        raise
    return submission_id, None
