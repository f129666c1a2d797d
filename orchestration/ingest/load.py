"""Loading one submission file into ``raw``: DuckDB's CSV reader, all values as text, with lineage.

The caller owns the transaction (a failure must leave none of the file's rows behind).

``source_line`` is the physical line number (header = line 1). DuckDB skips blank lines and numbers the lines it
cannot parse; good rows are numbered by their order in the file, shifted past the blank and unparseable lines
before them. (A value with a line break inside quotes counts as one line: numbers after it are one lower
per break. The submission format has no free-text column, so this only affects files already unusual.)

A line with exactly one extra, *empty* field at its end (a trailing comma) is read as a normal row: DuckDB's reader
tolerates a trailing delimiter, and no value is displaced. Any other wrong field count is a malformed line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.errors import FileRejected
from orchestration.ingest.header import read_header
from orchestration.warehouse import SUBMISSION_COLUMNS

_MAX_LINE_BYTES = 1 << 20  # 1 MiB: far above any legitimate row, far below memory trouble


@dataclass(frozen=True)
class LoadResult:
    rows_loaded: int
    malformed_lines: int
    extra_columns: tuple[str, ...]


def _reader_sql(width: int) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (
        "read_csv($path, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, strict_mode = true, store_rejects = true, "
        "rejects_table = 'journeys_rejects', rejects_scan = 'journeys_reject_scans', "
        f"max_line_size = {_MAX_LINE_BYTES}, encoding = 'utf-8')"
    )


def load_csv(
    con: duckdb.DuckDBPyConnection, path: Path, submission_id: int, blank_lines: list[int] | None = None
) -> LoadResult:
    """Load one file's rows into raw.submission_rows (+ malformed lines, extra columns).

    Raises :class:`FileRejected` when the header or the quoting makes the file unusable.
    """
    header = read_header(path)
    reader = _reader_sql(len(header.names))
    params = {"path": str(path), "sid": submission_id}
    select_columns = ", ".join(f"c{header.positions[c]}" for c in SUBMISSION_COLUMNS)
    try:
        _drop_rejects(con)
        rows_loaded = con.execute(
            f"insert into raw.submission_rows (submission_id, source_line, {', '.join(SUBMISSION_COLUMNS)}) "
            f"select $sid, rec + 1, {select_columns} from (select row_number() over () as rec, * from {reader})",
            params,
        ).fetchone()[0]  # type: ignore[index]
        rejects = con.execute(
            "select line, string_agg(distinct error_type, '; ') from journeys_rejects group by line order by line"
        ).fetchall()
        unterminated = [line for line, kinds in rejects if "UNQUOTED VALUE" in kinds]
        if unterminated:
            raise FileRejected(
                f"a quoted value opened on line {unterminated[0]} is never closed, so the rest of the file cannot "
                'be read; close the quote (a quote inside a value is written twice: "") and resend'
            )
        if rejects:
            con.execute(
                "insert into raw.malformed_lines select $sid, line, "
                "string_agg(distinct error_type || ': ' || error_message, '; '), "
                "left(ltrim(any_value(csv_line), chr(10) || chr(13)), 2000) from journeys_rejects group by line",
                {"sid": submission_id},
            )
        occupied = sorted({int(line) for line, _ in rejects} | set(blank_lines or []))
        if occupied:
            _shift_past_occupied_lines(con, submission_id, occupied)
        if header.extra:
            _keep_extra_columns(con, header.extra, reader, params)
    finally:
        _drop_rejects(con)
    return LoadResult(rows_loaded=rows_loaded, malformed_lines=len(rejects), extra_columns=tuple(header.extra))


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("drop table if exists journeys_rejects; drop table if exists journeys_reject_scans")


def _shift_past_occupied_lines(con: duckdb.DuckDBPyConnection, submission_id: int, occupied: list[int]) -> None:
    """Rows were numbered ``rec + 1``; move each past the blank/unparseable lines that precede it.

    Occupied line o_j (j = 1, 2, ...) sits where the provisional numbering reaches p_j = o_j - (j - 1), so a row
    with provisional number g moves down by #{j : p_j <= g}.
    """
    con.execute(
        "create or replace temp table journeys_occupied as "
        "select o - (j - 1) as p, max(j) as shift from unnest($o) with ordinality as t(o, j) group by 1",
        {"o": occupied},
    )
    con.execute(
        "update raw.submission_rows r set source_line = r.source_line + ("
        "select coalesce(max(shift), 0) from journeys_occupied where p <= r.source_line) "
        "where submission_id = $sid",
        {"sid": submission_id},
    )
    con.execute("drop table journeys_occupied")


def _keep_extra_columns(
    con: duckdb.DuckDBPyConnection, extra: dict[str, int], reader: str, params: dict[str, object]
) -> None:
    """Unknown columns are not loaded into typed tables: reported (counts) and kept aside (values per row)."""
    _drop_rejects(con)
    pairs = ", ".join(f"{_sql_string(name)}: c{pos}" for name, pos in extra.items())
    con.execute(
        "insert into raw.extra_values select $sid, r.source_line, to_json(e.extra)::varchar "
        f"from (select row_number() over () as rec, {{{pairs}}} as extra from {reader}) e "
        "join (select source_line, row_number() over (order by source_line) as rec from raw.submission_rows "
        "where submission_id = $sid) r using (rec)",
        params,
    )
    counts = ", ".join(f"count(c{pos})" for pos in extra.values())
    present = con.execute(f"select {counts} from {reader}", {"path": params["path"]}).fetchone() or ()
    _drop_rejects(con)
    con.executemany(
        "insert into raw.extra_columns values ($1, $2, $3)",
        [(params["sid"], name, n) for name, n in zip(extra, present, strict=True)],
    )


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
