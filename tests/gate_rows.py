"""Clean synthetic submission rows, made in SQL (for the gate's tests and its benchmark).

Three rows per episode: intervention M1 (psychosocial, two sub-interventions) and M2 (recovery support, one);
every fourth episode is discharged. All values pass every gate rule for reporting month 2025-06.
"""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.warehouse import SUBMISSION_COLUMNS

REPORTING_MONTH = date(2025, 6, 1)

_ROWS_SQL = """
with base as (
    select i, i // 3 as ep, i % 3 as k,
           date '2023-01-01' + cast((i // 3) % 700 as integer) as refld,
           date '1960-01-01' + cast((i // 3) % 12000 as integer) as dob
    from range($n) t(i)
), dated as (
    select *, refld + 7 as triaged, case when ep % 4 = 0 then refld + 150 end as disd,
           case when k < 2 then 'M1' else 'M2' end as modid
    from base
)
select
    $sid as submission_id,
    i + 2 as source_line,
    $agncy as agncy,
    'C' || (ep // 2) as clientid,
    chr(65 + cast(ep % 26 as integer)) as finitial,
    chr(97 + cast((ep // 26) % 26 as integer)) as sinitial,
    strftime(dob, '%Y-%m-%d') as dob,
    ['M', 'F', 'X'][1 + ep % 3] as sex,
    ['E06000001', 'E08000025', 'E09000001', 'Z00B'][1 + ep % 4] as la,
    'EP' || ep as episodid,
    strftime(refld, '%Y-%m-%d') as refld,
    strftime(triaged, '%Y-%m-%d') as triaged,
    ['1011', '3201', '7000', '5000'][1 + ep % 4] as drug1,
    case when ep % 5 = 0 then null else 'N' end as injstat,
    'Y' as mhneed,
    case when ep % 2 = 0 then 'Y' else 'N' end as depanx,
    case when ep % 3 = 0 then null else 'Z' end as mhpsytx,
    strftime(disd, '%Y-%m-%d') as disd,
    case when disd is not null then '80' end as disrsn,
    modid,
    case when modid = 'M1' then '95' else '96' end as modal,
    '1' as modset,
    strftime(triaged + case when modid = 'M1' then 1 else 10 end, '%Y-%m-%d') as modst,
    null as modend,
    null as modexit,
    case when k = 1 then 'S2' else 'S1' end as subid,
    case when k = 0 then 'PSYMOTI' when k = 1 then 'PSYCNMG' else 'RECPEER' end as subint,
    strftime(triaged + case when modid = 'M1' then 2 else 11 end, '%Y-%m-%d') as subst,
    null as subend
from dated
"""


def insert_rows(con: duckdb.DuckDBPyConnection, submission_id: int, rows: int, provider_code: str = "P0042") -> None:
    """Insert ``rows`` clean rows for ``submission_id`` into raw.submission_rows (source lines 2..rows+1)."""
    con.execute(
        f"insert into raw.submission_rows (submission_id, source_line, {', '.join(SUBMISSION_COLUMNS)}) {_ROWS_SQL}",
        {"n": rows, "sid": submission_id, "agncy": provider_code},
    )


def register(
    con: duckdb.DuckDBPyConnection,
    submission_id: int,
    provider_code: str = "P0042",
    reporting_month: date = REPORTING_MONTH,
    status: str = "loaded",
) -> None:
    """Log a submission as ingestion would (status ``loaded``)."""
    con.execute(
        "insert into ingest.submissions (submission_id, provider_code, reporting_month, file_name, file_sha256, "
        "file_size, received_at, logged_at, status) values ($sid, $p, $m, $f, $h, 0, now()::timestamp, "
        "now()::timestamp, $status)",
        {
            "sid": submission_id,
            "p": provider_code,
            "m": reporting_month,
            "f": f"{provider_code}/{provider_code}_{reporting_month:%Y-%m}.csv",
            "h": f"sha-{submission_id}",
            "status": status,
        },
    )
