"""The gate's floor: the same rule queries, run once each in plain DuckDB SQL over every pending row.

:func:`plain_sql_checks` is the least any gate doing these checks must do, and the baseline of the gate benchmark
(``python -m benchmarks gate``): the batch relations of all the submissions (the same :mod:`.batch_relations` the gate
validates), every rule's unexpected-rows query counted once, and the failing rows of failing error rules inserted
into a scratch table. No GX, no verdicts, no bookkeeping.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from orchestration.gate.batch_relations import batch_views, load_reference_tables
from orchestration.gate.rules import gate_rules


def plain_sql_checks(con: duckdb.DuckDBPyConnection, submission_ids: Iterable[int]) -> int:
    """Every rule's query counted once over all the submissions; failing error rows into a scratch table."""
    load_reference_tables(con)
    con.execute(
        "create or replace temp table bench_quarantine (submission_id bigint, source_line bigint, rule varchar)"
    )
    failing = 0
    with batch_views(con, submission_ids, temporary=True) as views:
        for rule in gate_rules():
            query = rule.render(views.relation(str(rule.batch)))
            (count,) = con.execute(f"select count(*) from ({query}) as q").fetchall()[0]
            if count and rule.quarantines:
                con.execute(
                    f"insert into bench_quarantine select q.submission_id, q.source_line, '{rule.name}' "
                    f"from ({query}) as q"
                )
                failing += count
    return failing
