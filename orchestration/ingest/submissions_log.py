"""The submissions log (``ingest.submissions``): what was received, and what became of it.

A submission is identified by (provider, reporting month, SHA-256). Rules (submission-format.md):
- a file already logged under the same relative path with the same bytes has been seen: nothing happens (one
  logged with the same path, size and modification time is taken as seen without being read again);
- the same bytes for the same provider and month, under any name, are a ``duplicate`` and load nothing;
- several different usable files for one provider and month: the one received last wins as a whole, the
  others become ``superseded`` (a rejected file replaces nothing).
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from orchestration.ingest.landing import LandingFile
from orchestration.ingest.naming import FileName
from orchestration.ingest.scan import FileScan


def unchanged_since_logged(con: duckdb.DuckDBPyConnection, files: list[LandingFile]) -> set[str]:
    """The relative names of ``files`` logged before with the same size and modification time, in one query.

    Those are taken as already seen without reading them (rsync's quick check): otherwise every run would hash
    every file ever landed, a cost growing with the landing directory rather than with what is new. A file whose
    content changes gets a new modification time (or size), so it is read and judged again.
    """
    if not files:
        return set()
    rows = con.execute(
        "select f.name from (select unnest($names) as name, unnest($sizes) as size, unnest($times) as received_at) f "
        "where exists (select 1 from ingest.submissions s where s.file_name = f.name and s.file_size = f.size "
        "and s.received_at = f.received_at)",
        {
            "names": [f.relative_name for f in files],
            "sizes": [f.size for f in files],
            "times": [f.received_at for f in files],
        },
    ).fetchall()
    return {str(r[0]) for r in rows}


def already_seen(con: duckdb.DuckDBPyConnection, file: LandingFile, sha256: str) -> bool:
    """True when this exact file (path and content) was processed before."""
    row = con.execute(
        "select 1 from ingest.submissions where file_name = $n and file_sha256 = $h limit 1",
        {"n": file.relative_name, "h": sha256},
    ).fetchone()
    return row is not None


def duplicate_of(con: duckdb.DuckDBPyConnection, name: FileName, sha256: str) -> int | None:
    """The submission id of an earlier file with the same provider, month and content, if any."""
    row = con.execute(
        "select min(submission_id) from ingest.submissions "
        "where provider_code = $p and reporting_month = $m and file_sha256 = $h and status <> 'duplicate'",
        {"p": name.provider_code, "m": name.reporting_month, "h": sha256},
    ).fetchone()
    return row[0] if row else None


def record(
    con: duckdb.DuckDBPyConnection,
    file: LandingFile,
    scan: FileScan,
    name: FileName | None,
    status: str,
    reason: str | None = None,
    duplicate: int | None = None,
    submission_id: int | None = None,
) -> int:
    """Insert one log row and return its submission id (``submission_id``: one from :func:`reserve_id`)."""
    row = con.execute(
        """
        insert into ingest.submissions (submission_id, provider_code, reporting_month, file_name, file_sha256,
            file_size, received_at, logged_at, status, reason, duplicate_of)
        values (coalesce($id, nextval('ingest.submission_id_seq')), $p, $m, $n, $h, $s, $r, $l, $status, $reason, $dup)
        returning submission_id
        """,
        {
            "p": name.provider_code if name else None,
            "m": name.reporting_month if name else None,
            "n": file.relative_name,
            "h": scan.sha256,
            "s": scan.size,
            "r": file.received_at,
            "l": datetime.now(tz=UTC).replace(tzinfo=None),
            "status": status,
            "reason": reason,
            "dup": duplicate,
            "id": submission_id,
        },
    ).fetchone()
    assert row is not None
    return int(row[0])


def reserve_id(con: duckdb.DuckDBPyConnection) -> int:
    """The next submission id, for a file whose log row is written later (by a loading lane)."""
    row = con.execute("select nextval('ingest.submission_id_seq')").fetchone()
    assert row is not None
    return int(row[0])


def resolve_superseded(con: duckdb.DuckDBPyConnection) -> int:
    """Per provider and month, the usable file received last wins; the others become ``superseded``.

    Set-based and idempotent; returns how many submissions changed to superseded.
    """
    changed = con.execute(
        """
        with usable as (
            select submission_id, provider_code, reporting_month,
                   first_value(submission_id) over (
                       partition by provider_code, reporting_month
                       order by received_at desc, encode(file_name) desc
                   ) as winner
            from ingest.submissions
            where status in ('accepted', 'partially_accepted', 'superseded')
        )
        update ingest.submissions s
        set status = 'superseded', superseded_by = u.winner
        from usable u
        where s.submission_id = u.submission_id and u.winner <> u.submission_id
          and (s.status <> 'superseded' or s.superseded_by is distinct from u.winner)
        returning s.submission_id
        """
    ).fetchall()
    return len(changed)
