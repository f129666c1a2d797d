"""One ingestion pass over the landing directory: log every new file, load the usable ones into ``raw``.

Two phases.

1. Triage, in discovery order on the caller's connection: name, SHA-256, UTF-8 check, already seen, duplicate.
   A file logged before with the same path, size and modification time (one query for all files) is already
   seen without being read, so a run's cost follows the new files, not everything the landing directory holds.
   Every outcome that loads nothing (seen, duplicate, rejected before reading) is logged here, and each file to
   load gets its submission id, so ids follow discovery order whatever the load order. A byte-identical copy of
   a file loaded in this same pass is held back and logged as its ``duplicate`` after the loads.
2. Loading, by ``workers`` lanes in parallel (default: one per core, at most 4): each lane has its own DuckDB
   cursor, takes the next file from a shared queue and commits in groups of at least ``group_rows`` loaded rows
   (default 1,000,000). One ~15,000-row file per lane and transaction would leave a core idle and pay a commit
   per file, which costs more than the load itself: each small transaction goes through DuckDB's write-ahead log
   and a checkpoint every 16 MiB of it, whereas a large transaction writes compressed row groups straight to the
   database file.

A file's outcome is still all or nothing. When a file fails to load (reader error, unusable quoting), its lane
rolls back the open group and redoes the group's files one transaction each, so the failing file is rejected
with its reason and the others load. A crash (any other error) stops every lane at its next file; each lane rolls
back its open group; the first error is raised. Groups committed before stay, consistent (log row and rows
together); the files of rolled-back groups are simply new again on the next run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

import duckdb

from orchestration.ingest import submissions_log
from orchestration.ingest.errors import FileRejected
from orchestration.ingest.landing import LandingFile, discover
from orchestration.ingest.load import load_csv
from orchestration.ingest.naming import FileName, parse_file_name
from orchestration.ingest.scan import FileScan, scan_file

log = logging.getLogger(__name__)

GROUP_ROWS = 1_000_000
Progress = Callable[[int, int], None]  # (files finished, files in the landing directory)
_LOAD_ERRORS = (FileRejected, duckdb.InvalidInputException, duckdb.ConversionException)


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
        """Files seen for the first time in this run (loaded, duplicate or rejected)."""
        return self.loaded + self.duplicate + self.rejected

    def add(self, other: IngestSummary) -> None:
        """Fold another summary's counts (a lane's committed group) into this one."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def describe(self) -> str:
        """One line for people: what the run found and did."""
        if self.new_files == 0:
            return f"no new files in the landing directory ({self.files_seen} seen, all already processed)"
        return (
            f"{self.files_seen} files seen: {self.loaded} loaded ({self.rows_loaded:,} rows), "
            f"{self.duplicate} duplicate, {self.rejected} rejected, {self.already_logged} already processed"
            + (f", {self.skipped_after_as_of} after as_of left alone" if self.skipped_after_as_of else "")
        )


@dataclass(frozen=True)
class _Load:
    """A file triage found usable and new, with the submission id reserved for it."""

    file: LandingFile
    scan: FileScan
    name: FileName
    submission_id: int


class _LoadFailed(Exception):
    """A file of an open group failed to load: the group must be rolled back and redone file by file."""


_HELD_BACK = object()  # _triage's answer for a copy of a file loading in this pass


def default_workers() -> int:
    """Loading lanes: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    as_of: date | None = None,
    months: set[date] | None = None,
    group_rows: int = GROUP_ROWS,
    workers: int | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Log and load every new file. ``as_of`` leaves later months untouched; ``months`` restricts to some months
    (a Dagster partition; a file whose name carries no month is logged by any run). ``group_rows`` = 0 commits
    every file on its own; ``workers`` = 1 loads in discovery order on one lane (see the module doc).
    ``progress(done, total)`` is called (from the loading threads too) as each file of the landing directory is
    finished with: triaged to nothing to load, or loaded/rejected."""
    summary = IngestSummary()
    loads: list[_Load] = []
    held_back: list[LandingFile] = []
    planned: set[tuple[str, date, str]] = set()
    files = list(discover(landing))
    counter = _Counter(len(files), progress)
    unchanged = submissions_log.unchanged_since_logged(con, files)
    for file in files:
        load = _triage(con, file, as_of, months, summary, planned, unchanged)
        if load is _HELD_BACK:
            held_back.append(file)
        elif isinstance(load, _Load):
            planned.add((load.name.provider_code, load.name.reporting_month, load.scan.sha256))
            loads.append(load)
        else:
            counter.tick()
    _load_in_lanes(con, loads, summary, group_rows, workers or default_workers(), counter)
    for file in held_back:  # the file it copies is logged now
        _triage(con, file, as_of, months, summary, set(), set())
        counter.tick()
    return summary


class _Counter:
    """Files finished out of the total, reported through the caller's ``progress`` (thread-safe)."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self._progress = total, 0, progress
        self._lock = threading.Lock()
        if progress is not None:
            progress(0, total)

    def tick(self, files: int = 1) -> None:
        if self._progress is None:
            return
        with self._lock:
            self.done += files
            self._progress(self.done, self.total)


def _triage(
    con: duckdb.DuckDBPyConnection,
    file: LandingFile,
    as_of: date | None,
    months: set[date] | None,
    summary: IngestSummary,
    planned: set[tuple[str, date, str]],
    unchanged: set[str],
) -> _Load | object | None:
    """Log a file that loads nothing and return None; return a :class:`_Load` for a file to load, or
    ``_HELD_BACK`` for a byte-identical copy of a file ``planned`` for loading in this pass. A file in
    ``unchanged`` (logged before with this size and modification time) is already seen and is not read."""
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
        return None
    summary.files_seen += 1
    if file.relative_name in unchanged:
        summary.already_logged += 1
        return None
    scan = scan_file(file.path)
    if submissions_log.already_seen(con, file, scan.sha256):
        summary.already_logged += 1
        return None
    if name is None:
        _reject(con, file, scan, None, name_problem or "", summary)
        return None
    if (name.provider_code, name.reporting_month, scan.sha256) in planned:
        summary.files_seen -= 1  # counted when it is triaged again after the loads
        return _HELD_BACK
    duplicate = submissions_log.duplicate_of(con, name, scan.sha256)
    if duplicate is not None:
        submissions_log.record(
            con, file, scan, name, "duplicate", f"byte-identical to submission {duplicate}; nothing loaded", duplicate
        )
        summary.duplicate += 1
        return None
    if scan.utf8_error:
        reason = f"the file is not UTF-8 text (first bad byte at {scan.utf8_error}); export it as UTF-8 CSV and resend"
        _reject(con, file, scan, name, reason, summary)
        return None
    return _Load(file, scan, name, submissions_log.reserve_id(con))


class _Lanes:
    """The shared queue of files to load, the pass's summary, and the stop signal after a crash."""

    def __init__(self, loads: list[_Load], summary: IngestSummary, counter: _Counter) -> None:
        self._queue: Iterator[_Load] = iter(loads)
        self.counter = counter
        self._lock = threading.Lock()
        self._summary = summary
        self.crashed = threading.Event()
        self.errors: list[BaseException] = []

    def next(self) -> _Load | None:
        with self._lock:
            return None if self.crashed.is_set() else next(self._queue, None)

    def committed(self, counts: IngestSummary) -> None:
        with self._lock:
            self._summary.add(counts)

    def crash(self, error: BaseException) -> None:
        with self._lock:
            self.errors.append(error)
            self.crashed.set()


def _load_in_lanes(
    con: duckdb.DuckDBPyConnection,
    loads: list[_Load],
    summary: IngestSummary,
    group_rows: int,
    workers: int,
    counter: _Counter,
) -> None:
    lanes = _Lanes(loads, summary, counter)
    count = min(workers, len(loads))
    if count <= 1:
        _lane(con, lanes, group_rows)
    else:
        cursors = [con.cursor() for _ in range(count)]
        threads = [threading.Thread(target=_lane, args=(cursor, lanes, group_rows)) for cursor in cursors]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException as interrupt:  # e.g. Ctrl-C: stop the lanes at their next file, let them roll back
            lanes.crash(interrupt)
            for thread in threads:
                thread.join()
        finally:
            for cursor in cursors:
                cursor.close()
    summary.loaded_ids.sort()
    if lanes.errors:
        raise lanes.errors[0]


def _lane(con: duckdb.DuckDBPyConnection, lanes: _Lanes, group_rows: int) -> None:
    """Load files from the queue, committing a group once it holds ``group_rows`` rows (see the module doc)."""
    group: list[_Load] = []
    pending = IngestSummary()  # counts of the open group
    in_group = False
    try:
        con.execute("begin transaction")
        in_group = True
        while (item := lanes.next()) is not None:
            try:
                _load(con, item, pending, alone=False)
                group.append(item)
                lanes.counter.tick()
            except _LoadFailed:
                con.execute("rollback")
                in_group = False
                redone = IngestSummary()
                for earlier in [*group, item]:
                    _load(con, earlier, redone, alone=True)
                lanes.counter.tick()  # the failing file (the group's files were counted as they loaded)
                lanes.committed(redone)
                group, pending = [], IngestSummary()
                con.execute("begin transaction")
                in_group = True
            if pending.rows_loaded >= group_rows:
                con.execute("commit")
                lanes.committed(pending)
                group, pending = [], IngestSummary()
                con.execute("begin transaction")
        if lanes.crashed.is_set():  # another lane crashed: leave this lane's open group out too
            con.execute("rollback")
        else:
            con.execute("commit")
            lanes.committed(pending)
        in_group = False
    except BaseException as error:
        if in_group:
            with contextlib.suppress(duckdb.Error):  # the connection may be unusable: keep the first error
                con.execute("rollback")
        lanes.crash(error)


def _load(con: duckdb.DuckDBPyConnection, item: _Load, summary: IngestSummary, alone: bool) -> None:
    """Log and load one file. ``alone``: in its own transaction (a load failure is logged as a rejection);
    otherwise inside the lane's group transaction (a load failure raises :class:`_LoadFailed`)."""
    if alone:
        con.execute("begin transaction")
    try:
        submissions_log.record(con, item.file, item.scan, item.name, "loaded", submission_id=item.submission_id)
        result = load_csv(con, item.file.path, item.submission_id, item.scan.blank_lines)
        if alone:
            con.execute("commit")
    except _LOAD_ERRORS as exc:
        if not alone:
            raise _LoadFailed(item.file.relative_name) from exc
        con.execute("rollback")
        reason = exc.reason if isinstance(exc, FileRejected) else _reader_reason(exc)
        _reject(con, item.file, item.scan, item.name, reason, summary, item.submission_id)
        return
    except BaseException:
        if alone:
            con.execute("rollback")
        raise
    summary.loaded += 1
    summary.rows_loaded += result.rows_loaded
    summary.malformed_lines += result.malformed_lines
    summary.loaded_ids.append(item.submission_id)


def _reject(
    con: duckdb.DuckDBPyConnection,
    file: LandingFile,
    scan: FileScan,
    name: FileName | None,
    reason: str,
    summary: IngestSummary,
    submission_id: int | None = None,
) -> None:
    submissions_log.record(con, file, scan, name, "rejected", reason, submission_id=submission_id)
    summary.rejected += 1
    summary.rejections.append((file.relative_name, reason))


def _reader_reason(exc: Exception) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    log.warning("CSV reader failed: %s", exc)
    return (
        f"the file could not be read as CSV ({first_line[:200]}); check it is a comma-separated export with "
        "one header row and resend"
    )
