"""The quality gate for one loaded submission: GX validation in DuckDB, row quarantine, the file's verdict.

Order of work (all SQL runs inside DuckDB; GX reads through a cursor of ``con``, see :mod:`.gx_duckdb`):

1. code lists from ``seeds/`` into ``gate.ref_*``; the submission's batch views (:mod:`.batches`);
2. GX validates the gate suites (``expectations/*.json``): per rule, the number of failing rows;
3. one transaction: the submission's earlier ``quarantine.rows`` / ``gate.rule_results`` are replaced (re-gating
   is idempotent); every failing error rule inserts its rows -- the rows of the same ``unexpected_rows_query`` GX
   counted (the counts must agree); then the verdict:

   - ``rejected``: a file-scope error rule failed (no data rows, AGNCY differing from the file name's provider
     code), or more than ``max_failure_share`` of the rows fail error rules. Nothing is accepted: rows failing no
     rule are quarantined with ``file_rejected``;
   - ``partially_accepted``: some rows quarantined; ``accepted``: none (warnings never quarantine a row).

   ``rows_total`` = data rows loaded + malformed lines = ``rows_accepted`` + ``rows_quarantined``.

``con`` must have no open transaction (the gate commits its own work and GX sees committed data only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from orchestration.gate.batches import BatchViews, batch_views, load_reference_tables
from orchestration.gate.rules import GATE_SUITES, Rule, gate_rules
from orchestration.gate.verdict import FILE_REJECTED, Verdict

_GATEABLE = ("loaded", "accepted", "partially_accepted", "rejected")
_LINE_BATCHES = ("rows", "malformed_lines")  # the batches whose rows are lines of the file (rows_total)


class GateError(RuntimeError):
    """The gate could not judge the submission (a pipeline problem, not the provider's)."""


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    severity: str
    scope: str
    rows_failed: int


@dataclass(frozen=True)
class GateOutcome:
    submission_id: int
    provider_code: str
    reporting_month: date
    status: str  # accepted / partially_accepted / rejected
    rows_total: int
    rows_accepted: int
    rows_quarantined: int
    reason: str | None
    rules: tuple[RuleOutcome, ...]

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    def rows_failed(self) -> dict[str, int]:
        """Failing rows per rule, rules that failed only."""
        return {r.rule: r.rows_failed for r in self.rules if r.rows_failed}


def run_gate(con: duckdb.DuckDBPyConnection, submission_id: int, max_failure_share: float = 0.5) -> GateOutcome:
    """Gate one submission whose rows are in ``raw`` (see the module docstring)."""
    if not 0 <= max_failure_share <= 1:
        raise ValueError("max_failure_share must lie in [0, 1]")
    provider_code, reporting_month = _submission(con, submission_id)
    _require_no_open_transaction(con)
    work = con.cursor()  # the gate's own connection: its own transaction, no progress bar
    try:
        work.execute("set enable_progress_bar = false")
        load_reference_tables(work)
        with batch_views(work, submission_id, provider_code, reporting_month) as views:
            counts = _validate(work, views)
            work.execute("begin transaction")
            try:
                outcome = _judge_and_write(work, views, submission_id, provider_code, reporting_month, counts,
                                           max_failure_share)  # fmt: skip
                work.execute("commit")
            except BaseException:
                work.execute("rollback")
                raise
    finally:
        work.close()
    return outcome


def _submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> tuple[str, date]:
    row = con.execute(
        "select provider_code, reporting_month, status, "
        "exists (select 1 from gate.rule_results g where g.submission_id = s.submission_id) "
        "from ingest.submissions s where submission_id = $id",
        {"id": submission_id},
    ).fetchall()
    if not row:
        raise GateError(f"submission {submission_id} is not in ingest.submissions")
    provider_code, reporting_month, status, gated_before = row[0]
    if status not in _GATEABLE or (status != "loaded" and not gated_before):
        raise GateError(f"submission {submission_id} has status {status!r}: only loaded (or re-gated) files are gated")
    if provider_code is None or reporting_month is None:
        raise GateError(f"submission {submission_id} has no provider code / reporting month")
    return str(provider_code), reporting_month


def _require_no_open_transaction(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("begin transaction")
    except duckdb.TransactionException as exc:
        raise GateError("run_gate needs a connection without an open transaction: commit the load first") from exc
    con.execute("rollback")


def _validate(con: duckdb.DuckDBPyConnection, views: BatchViews) -> dict[str, int]:
    """GX validation of every gate suite on its batches: failing rows per rule (file rules: 1 = failed)."""
    from orchestration.gate.gx_duckdb import gx_session

    counts: dict[str, int] = {}
    with gx_session(con, views.schema) as session:
        for suite in GATE_SUITES:
            rules = [r for r in gate_rules() if r.suite == suite]
            for kind in dict.fromkeys(r.batch for r in rules):
                chosen = [r for r in rules if r.batch == kind]
                results = session.validate(views.names[str(kind)], suite, [r.expectation for r in chosen])
                for rule in chosen:
                    counts[rule.name] = _failures(rule, results.get(rule.name))
    return counts


def _failures(rule: Rule, result: Any) -> int:
    if result is None:
        raise GateError(f"GX returned no result for rule {rule.name}")
    errors = gx_errors(result)
    if errors:
        raise GateError(f"rule {rule.name} could not be evaluated: {errors[0][:1000]}")
    if rule.query is not None:
        return int(result.result["observed_value"])
    return 0 if result.success else 1


def gx_errors(result: Any) -> list[str]:
    """Exception messages GX recorded while validating an expectation (metric errors included)."""
    info = result.exception_info or {}
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    return [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]


def _offending_json(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """``to_json`` of the query's columns other than source_line: the offending values of a quarantined row."""
    description = con.execute(f"select * from ({query}) as q limit 0").description or []
    columns = [d[0] for d in description if d[0] != "source_line"]
    fields = ", ".join(f"'{c}': q.\"{c}\"" for c in columns)
    return f"to_json({{{fields}}})::varchar" if columns else "'{}'"


def _judge_and_write(
    con: duckdb.DuckDBPyConnection,
    views: BatchViews,
    submission_id: int,
    provider_code: str,
    reporting_month: date,
    counts: dict[str, int],
    max_failure_share: float,
) -> GateOutcome:
    sid = {"sid": submission_id}
    con.execute("delete from quarantine.rows where submission_id = $sid", sid)
    con.execute("delete from gate.rule_results where submission_id = $sid", sid)
    rules = gate_rules()
    for rule in rules:
        if rule.severity != "error" or rule.query is None or not counts[rule.name]:
            continue
        query = rule.render(views.relation(str(rule.batch)))
        inserted = con.execute(
            f"insert into quarantine.rows select $sid, q.source_line, $rule, 'error', {_offending_json(con, query)} "
            f"from ({query}) as q",
            {**sid, "rule": rule.name},
        ).fetchall()[0][0]
        if inserted != counts[rule.name]:
            raise GateError(f"rule {rule.name}: GX counted {counts[rule.name]} rows, the quarantine query {inserted}")
    rows_total = sum(_scalar(con, f"select count(*) from {views.relation(kind)}", {}) for kind in _LINE_BATCHES)
    failing = _scalar(con, "select count(distinct source_line) from quarantine.rows where submission_id = $sid", sid)
    if failing > rows_total:
        raise GateError(f"submission {submission_id}: {failing} quarantined lines but only {rows_total} rows")
    verdict = Verdict(
        rules, counts, failing, rows_total, provider_code, _first_lines(con, submission_id, rules, counts)
    )
    reason = verdict.rejection(max_failure_share)
    if reason is not None:
        status = "rejected"
        con.execute(
            "insert into quarantine.rows select $sid, source_line, $rule, 'error', '{}' from ("
            + " union all ".join(f"select source_line from {views.relation(kind)}" for kind in _LINE_BATCHES)
            + ") as a "
            "where source_line not in (select source_line from quarantine.rows where submission_id = $sid)",
            {**sid, "rule": FILE_REJECTED},
        )
        counts[FILE_REJECTED] = rows_total - failing
        rows_quarantined = rows_total
    else:
        counts[FILE_REJECTED] = 0
        rows_quarantined = failing
        status = "partially_accepted" if failing else "accepted"
        reason = verdict.summary()
    outcomes = (
        *(RuleOutcome(r.name, r.severity, r.scope, counts[r.name]) for r in rules),
        RuleOutcome(FILE_REJECTED, "error", "file", counts[FILE_REJECTED]),
    )
    con.executemany(
        "insert into gate.rule_results values ($1, $2, $3, $4)",
        [(submission_id, o.rule, o.severity, o.rows_failed) for o in outcomes],
    )
    rows_accepted = rows_total - rows_quarantined
    con.execute(
        "update ingest.submissions set status = $status, rows_total = $t, rows_accepted = $a, rows_quarantined = $q, "
        "reason = $reason where submission_id = $sid",
        {**sid, "status": status, "t": rows_total, "a": rows_accepted, "q": rows_quarantined, "reason": reason},
    )
    return GateOutcome(
        submission_id=submission_id,
        provider_code=provider_code,
        reporting_month=reporting_month,
        status=status,
        rows_total=rows_total,
        rows_accepted=rows_accepted,
        rows_quarantined=rows_quarantined,
        reason=reason,
        rules=outcomes,
    )


def _first_lines(
    con: duckdb.DuckDBPyConnection, submission_id: int, rules: tuple[Rule, ...], counts: dict[str, int]
) -> dict[str, int]:
    """The first quarantined line of each failed file-scope error rule that names rows (for the reason text)."""
    names = [r.name for r in rules if r.scope == "file" and r.severity == "error" and r.query and counts[r.name]]
    sql = "select min(source_line) from quarantine.rows where submission_id = $sid and rule = $rule"
    return {name: _scalar(con, sql, {"sid": submission_id, "rule": name}) for name in names}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> int:
    return int(con.execute(sql, params).fetchall()[0][0])
