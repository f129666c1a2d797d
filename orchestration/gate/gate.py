"""The quality gate: one set-based pass over every submission waiting to be gated.

Order of work (all SQL runs inside DuckDB; GX reads through cursors of ``con``, see :mod:`.gx_duckdb`):

1. code lists from ``seeds/`` into ``gate.ref_*``; the batch relations spanning all the submissions
   (:mod:`.batch_relations`: ``submission_id`` and the file's context are columns, every rule partitions by submission);
2. GX validates each gate suite (``expectations/*.json``) once per batch relation: per rule, the number of failing
   rows summed over all the submissions;
3. one transaction for all the submissions: their earlier ``quarantine.rows`` / ``gate.rule_results`` are replaced
   (re-gating is idempotent); every failing error rule on lines inserts its rows with one ``INSERT ... SELECT``
   over all submissions -- the rows of the same ``unexpected_rows_query`` GX counted (the counts must agree, else
   :class:`GateError` and nothing is written); counts per submission and rule (``GROUP BY submission_id``); then
   each file's verdict (:mod:`.verdict`), judged on its own rows only:

   - ``rejected``: a file-scope error rule failed (no data rows, AGNCY differing from the file name's provider
     code), or more than ``max_failure_share`` of the file's rows fail error rules. Nothing is accepted: rows
     failing no rule are quarantined with ``file_rejected``;
   - ``partially_accepted``: some rows quarantined; ``accepted``: none (warnings never quarantine a row).

   ``rows_total`` = data rows loaded + malformed lines = ``rows_accepted`` + ``rows_quarantined`` per file.

A crash anywhere leaves every submission as it was (still ``loaded``, or its earlier verdict when re-gating).
``con`` must have no open transaction (the gate commits its own work and GX sees committed data only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from orchestration.gate.batch_relations import BatchViews, batch_views, load_reference_tables
from orchestration.gate.rules import GATE_SUITES, Rule, gate_rules
from orchestration.gate.verdict import FILE_REJECTED, Verdict

_GATEABLE = ("loaded", "accepted", "partially_accepted", "rejected")

Progress = Callable[[int, int], None]  # (rules validated so far, rules in all)


class GateError(RuntimeError):
    """The gate could not judge the submissions (a pipeline problem, not the provider's)."""


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
        """True when the whole file was rejected."""
        return self.status == "rejected"

    def rows_failed(self) -> dict[str, int]:
        """Failing rows per rule, rules that failed only."""
        return {r.rule: r.rows_failed for r in self.rules if r.rows_failed}


def run_gate(con: duckdb.DuckDBPyConnection, submission_id: int, max_failure_share: float = 0.5) -> GateOutcome:
    """Gate one submission whose rows are in ``raw`` (see :func:`gate_submissions`)."""
    return gate_submissions(con, [submission_id], max_failure_share)[0]


def pending_submissions(con: duckdb.DuckDBPyConnection, months: Iterable[date] | None = None) -> list[int]:
    """Submissions waiting to be gated (status ``loaded``), of ``months`` only when given."""
    rows = con.execute(
        "select submission_id from ingest.submissions where status = 'loaded' "
        "and ($all or reporting_month in (select unnest($months::date[]))) order by submission_id",
        {"all": months is None, "months": sorted(months or [])},
    ).fetchall()
    return [int(r[0]) for r in rows]


def gate_submissions(
    con: duckdb.DuckDBPyConnection,
    submission_ids: Iterable[int],
    max_failure_share: float = 0.5,
    progress: Progress | None = None,
) -> list[GateOutcome]:
    """Gate these submissions in one pass (see the module docstring); their outcomes in submission order.

    ``progress`` (optional) is called with (rules validated, rules in all) as GX works through the suites.
    """
    if not 0 <= max_failure_share <= 1:
        raise ValueError("max_failure_share must lie in [0, 1]")
    ids = sorted({int(i) for i in submission_ids})
    if not ids:
        return []
    _check_gateable(con, ids)
    _require_no_open_transaction(con)
    work = con.cursor()  # the gate's own connection: its own transaction, no progress bar
    try:
        work.execute("set enable_progress_bar = false")
        load_reference_tables(work)
        with batch_views(work, ids) as views:
            counts = _validate(work, views, progress)
            work.execute("begin transaction")
            try:
                outcomes = _judge_and_write(work, views, counts, max_failure_share)
                work.execute("commit")
            except BaseException:
                work.execute("rollback")
                raise
    finally:
        work.close()
    return outcomes


def _check_gateable(con: duckdb.DuckDBPyConnection, ids: list[int]) -> None:
    found = con.execute(
        "select i.id, s.provider_code, s.reporting_month, s.status, "
        "exists (select 1 from gate.rule_results g where g.submission_id = i.id) "
        "from (select unnest($ids::bigint[]) as id) i left join ingest.submissions s on s.submission_id = i.id "
        "order by i.id",
        {"ids": ids},
    ).fetchall()
    for submission_id, provider_code, reporting_month, status, gated_before in found:
        if status is None:
            raise GateError(f"submission {submission_id} is not in ingest.submissions")
        if status not in _GATEABLE or (status != "loaded" and not gated_before):
            raise GateError(
                f"submission {submission_id} has status {status!r}: only loaded (or re-gated) files are gated"
            )
        if provider_code is None or reporting_month is None:
            raise GateError(f"submission {submission_id} has no provider code / reporting month")


def _require_no_open_transaction(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("begin transaction")
    except duckdb.TransactionException as exc:
        raise GateError("the gate needs a connection without an open transaction: commit the load first") from exc
    con.execute("rollback")


def _validate(con: duckdb.DuckDBPyConnection, views: BatchViews, progress: Progress | None) -> dict[str, int]:
    """GX validation of every gate suite, once per batch relation: failing rows per rule, all submissions."""
    from orchestration.gate.gx_duckdb import gx_session

    rules = gate_rules()
    counts: dict[str, int] = {}
    with gx_session(con, views.schema) as session:
        for suite in GATE_SUITES:
            of_suite = [r for r in rules if r.suite == suite]
            for kind in dict.fromkeys(r.batch for r in of_suite):
                chosen = [r for r in of_suite if r.batch == kind]
                results = session.validate(views.names[str(kind)], suite, [r.expectation for r in chosen])
                for rule in chosen:
                    counts[rule.name] = _failures(rule, results.get(rule.name))
                if progress is not None:
                    progress(len(counts), len(rules))
    return counts


def _failures(rule: Rule, result: Any) -> int:
    if result is None:
        raise GateError(f"GX returned no result for rule {rule.name}")
    errors = gx_errors(result)
    if errors:
        raise GateError(f"rule {rule.name} could not be evaluated: {errors[0][:1000]}")
    return int(result.result["observed_value"])


def gx_errors(result: Any) -> list[str]:
    """Exception messages GX recorded while validating an expectation (metric errors included)."""
    info = result.exception_info or {}
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    return [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]


def _columns(con: duckdb.DuckDBPyConnection, rule: Rule, query: str) -> list[str]:
    """The query's output columns; the first must be submission_id (and source_line next, for line rules)."""
    description = con.execute(f"select * from ({query}) as q limit 0").description or []
    columns = [d[0] for d in description]
    needed = ["submission_id", "source_line"] if rule.quarantines else ["submission_id"]
    if columns[: len(needed)] != needed:
        raise GateError(f"rule {rule.name}: its query must select {', '.join(needed)} first, not {columns[:2]}")
    return columns


def _offending_json(columns: list[str]) -> str:
    """``to_json`` of the columns other than the keys: the offending values of a quarantined row."""
    fields = ", ".join(f"'{c}': q.\"{c}\"" for c in columns if c not in ("submission_id", "source_line"))
    return f"to_json({{{fields}}})::varchar" if fields else "'{}'"


_TEMP_TABLES = """
create or replace temp table gate_counts (submission_id bigint, rule varchar, rows_failed bigint);
create or replace temp table gate_verdicts (submission_id bigint, status varchar, rows_total bigint,
    rows_accepted bigint, rows_quarantined bigint, reason varchar, file_rejected bigint);
"""


def _judge_and_write(
    con: duckdb.DuckDBPyConnection, views: BatchViews, counts: dict[str, int], max_failure_share: float
) -> list[GateOutcome]:
    files = views.relation("files")
    chosen = f"submission_id in (select submission_id from {files})"
    con.execute(f"delete from quarantine.rows where {chosen}")
    con.execute(f"delete from gate.rule_results where {chosen}")
    con.execute(_TEMP_TABLES)
    rules = gate_rules()
    for rule in rules:
        if counts[rule.name]:
            _record_failures(con, views, rule, counts[rule.name])
    con.execute(f"insert into gate_counts select submission_id, rule, count(*) from quarantine.rows where {chosen} "
                "group by all")  # fmt: skip
    verdicts = _verdicts(con, views, rules, max_failure_share)
    _write_verdicts(con, views, rules, verdicts)
    return [v.outcome(rules) for v in verdicts]


def _record_failures(con: duckdb.DuckDBPyConnection, views: BatchViews, rule: Rule, counted: int) -> None:
    """One statement over all submissions: failing lines into the quarantine, or counts per submission."""
    query = rule.render(views.relation(str(rule.batch)))
    columns = _columns(con, rule, query)
    if rule.quarantines:
        found = con.execute(
            "insert into quarantine.rows select q.submission_id, q.source_line, $rule, 'error', "
            f"{_offending_json(columns)} from ({query}) as q",
            {"rule": rule.name},
        ).fetchall()[0][0]
    else:
        con.execute(
            f"insert into gate_counts select q.submission_id, $rule, count(*) from ({query}) as q group by all",
            {"rule": rule.name},
        )
        found = con.execute(
            "select coalesce(sum(rows_failed), 0) from gate_counts where rule = $rule", {"rule": rule.name}
        ).fetchall()[0][0]
    if found != counted:
        raise GateError(
            f"rule {rule.name}: GX counted {counted} rows, the quarantine query {found} (summed over the submissions)"
        )


@dataclass
class _FileVerdict:
    submission_id: int
    provider_code: str
    reporting_month: date
    rows_total: int
    failing: int
    counts: dict[str, int]  # rule -> failing rows, failed rules only
    status: str = ""
    reason: str | None = None
    rows_quarantined: int = 0

    def outcome(self, rules: tuple[Rule, ...]) -> GateOutcome:
        return GateOutcome(
            submission_id=self.submission_id,
            provider_code=self.provider_code,
            reporting_month=self.reporting_month,
            status=self.status,
            rows_total=self.rows_total,
            rows_accepted=self.rows_total - self.rows_quarantined,
            rows_quarantined=self.rows_quarantined,
            reason=self.reason,
            rules=(
                *(_rule_outcome(r.name, r.severity, r.scope, self.counts.get(r.name, 0)) for r in rules),
                _rule_outcome(FILE_REJECTED, "error", "file", self.counts.get(FILE_REJECTED, 0)),
            ),
        )


_ZERO: dict[str, RuleOutcome] = {}


def _rule_outcome(rule: str, severity: str, scope: str, rows_failed: int) -> RuleOutcome:
    """Rule outcomes; the (many) zero ones are shared."""
    if rows_failed:
        return RuleOutcome(rule, severity, scope, rows_failed)
    return _ZERO.setdefault(rule, RuleOutcome(rule, severity, scope, 0))


def _verdicts(
    con: duckdb.DuckDBPyConnection, views: BatchViews, rules: tuple[Rule, ...], max_failure_share: float
) -> list[_FileVerdict]:
    """Every file's verdict from three set-based queries (counts, failing lines, first lines of file rules)."""
    files = views.relation("files")
    verdicts = {
        int(sid): _FileVerdict(int(sid), str(provider), month, int(total), int(failing), {})
        for sid, provider, month, total, failing in con.execute(
            f"select f.submission_id, f.file_provider_code, f.reporting_month, f.data_rows + f.malformed_lines, "
            f"coalesce(q.failing, 0) from {files} f left join ("
            "select submission_id, count(distinct source_line) as failing from quarantine.rows "
            f"where submission_id in (select submission_id from {files}) group by all) q using (submission_id) "
            "order by f.submission_id"
        ).fetchall()
    }
    for sid, rule, n in con.execute("select submission_id, rule, rows_failed from gate_counts").fetchall():
        verdicts[int(sid)].counts[str(rule)] = int(n)
    first_lines: dict[int, dict[str, int]] = {}
    file_rules = [r.name for r in rules if r.scope == "file" and r.quarantines]
    for sid, rule, line in con.execute(
        "select submission_id, rule, min(source_line) from quarantine.rows "
        f"where submission_id in (select submission_id from {files}) and rule in (select unnest($rules::varchar[])) "
        "group by all",
        {"rules": file_rules},
    ).fetchall():
        first_lines.setdefault(int(sid), {})[str(rule)] = int(line)
    zeros = dict.fromkeys((r.name for r in rules), 0)
    for v in verdicts.values():
        if v.failing > v.rows_total:
            raise GateError(f"submission {v.submission_id}: {v.failing} quarantined lines but only {v.rows_total} rows")
        verdict = Verdict(
            rules, zeros | v.counts, v.failing, v.rows_total, v.provider_code, first_lines.get(v.submission_id, {})
        )
        v.reason = verdict.rejection(max_failure_share)
        if v.reason is not None:
            v.status, v.rows_quarantined = "rejected", v.rows_total
            if v.rows_total > v.failing:
                v.counts[FILE_REJECTED] = v.rows_total - v.failing
        else:
            v.status = "partially_accepted" if v.failing else "accepted"
            v.reason, v.rows_quarantined = verdict.summary(), v.failing
    return list(verdicts.values())


def _write_verdicts(
    con: duckdb.DuckDBPyConnection, views: BatchViews, rules: tuple[Rule, ...], verdicts: list[_FileVerdict]
) -> None:
    """file_rejected lines, rule results and statuses of all files: one statement each."""
    con.execute(
        "insert into gate_verdicts select unnest($sid), unnest($status), unnest($total), unnest($accepted), "
        "unnest($quarantined), unnest($reason), unnest($rejected)",
        {
            "sid": [v.submission_id for v in verdicts],
            "status": [v.status for v in verdicts],
            "total": [v.rows_total for v in verdicts],
            "accepted": [v.rows_total - v.rows_quarantined for v in verdicts],
            "quarantined": [v.rows_quarantined for v in verdicts],
            "reason": [v.reason for v in verdicts],
            "rejected": [v.counts.get(FILE_REJECTED, 0) for v in verdicts],
        },
    )
    rejected = "submission_id in (select submission_id from gate_verdicts where status = 'rejected')"
    con.execute(
        "insert into quarantine.rows select a.submission_id, a.source_line, $rule, 'error', '{}' from ("
        f"select submission_id, source_line from raw.submission_rows where {rejected} union all "
        f"select submission_id, source_line from raw.malformed_lines where {rejected}) as a "
        f"anti join (select distinct submission_id, source_line from quarantine.rows where {rejected}) as q "
        "using (submission_id, source_line)",
        {"rule": FILE_REJECTED},
    )
    con.execute(
        "insert into gate_counts select submission_id, $rule, file_rejected from gate_verdicts where file_rejected > 0",
        {"rule": FILE_REJECTED},
    )
    ordered = [(r.name, r.severity) for r in rules] + [(FILE_REJECTED, "error")]
    con.execute(
        "insert into gate.rule_results select f.submission_id, r.rule, r.severity, coalesce(c.rows_failed, 0) "
        f"from {views.relation('files')} f "
        "cross join (select unnest($rules) as rule, unnest($severities) as severity, "
        "unnest(range(len($rules))) as position) r "
        "left join gate_counts c on c.submission_id = f.submission_id and c.rule = r.rule "
        "order by f.submission_id, r.position",
        {"rules": [name for name, _ in ordered], "severities": [severity for _, severity in ordered]},
    )
    con.execute(
        "update ingest.submissions s set status = v.status, rows_total = v.rows_total, "
        "rows_accepted = v.rows_accepted, rows_quarantined = v.rows_quarantined, reason = v.reason "
        "from gate_verdicts v where s.submission_id = v.submission_id"
    )
