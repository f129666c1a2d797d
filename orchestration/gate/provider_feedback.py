"""Provider feedback per submission: status, reason, counts per rule, example lines, what to fix.

:func:`render_reports` builds the reports of many submissions from a fixed number of set-based queries
(``ingest.submissions``, ``gate.rule_results``, ``quarantine.rows``, ``raw.extra_columns`` filtered to those
submissions; a warning's example lines by running its rule's query once over all of them), whatever their number.
A report shows line numbers, column names and rule texts only: never a value from a row (no attributors, no other
provider's data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from orchestration.gate.batch_relations import batch_views
from orchestration.gate.rules import LINE_BATCHES, rule_by_name
from orchestration.gate.verdict import FILE_REJECTED

MAX_EXAMPLES = 10
MAX_COLUMNS = 20
_FILE_REJECTED_FIX = (
    "The file was rejected as a whole (see the reason); these rows failed no rule themselves. "
    "Send them again with the corrected file."
)


@dataclass
class _Facts:
    """What one report shows, gathered for all submissions at once."""

    header: tuple[object, ...]
    results: list[tuple[str, str, int]] = field(default_factory=list)  # (rule, severity, rows_failed)
    examples: dict[str, list[int]] = field(default_factory=dict)  # rule -> first source lines
    columns: list[str] = field(default_factory=list)  # unknown header columns


def render_report(con: duckdb.DuckDBPyConnection, submission_id: int) -> str:
    """Markdown (readable as plain text) for the provider who sent this submission."""
    return render_reports(con, [submission_id])[submission_id]


def render_reports(con: duckdb.DuckDBPyConnection, submission_ids: Iterable[int]) -> dict[int, str]:
    """The report of every given submission, from set-based queries (see the module docstring)."""
    ids = sorted({int(i) for i in submission_ids})
    facts = _gather(con, ids)
    missing = [i for i in ids if i not in facts]
    if missing:
        raise ValueError(f"submission {missing[0]} is not in ingest.submissions")
    return {sid: _render(facts[sid]) for sid in ids}


def _gather(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, _Facts]:
    chosen = "submission_id in (select unnest($ids::bigint[]))"
    params = {"ids": ids}
    facts = {
        int(row[0]): _Facts(header=tuple(row[1:]))
        for row in con.execute(
            "select submission_id, file_name, provider_code, reporting_month, status, rows_total, rows_accepted, "
            f"rows_quarantined, reason from ingest.submissions where {chosen}",
            params,
        ).fetchall()
    }
    warned: dict[str, list[int]] = defaultdict(list)  # warning rule -> submissions it failed in
    for sid, rule, severity, n in con.execute(
        f"select submission_id, rule, severity, rows_failed from gate.rule_results where {chosen} "
        "order by submission_id, severity, rows_failed desc, rule",
        params,
    ).fetchall():
        facts[sid].results.append((rule, severity, n))
        if severity == "warning" and n:
            warned[rule].append(sid)
    for sid, rule, lines in con.execute(
        "select submission_id, rule, list(source_line order by source_line) from ("
        f"select * from (select distinct submission_id, rule, source_line from quarantine.rows where {chosen}) "
        f"qualify row_number() over (partition by submission_id, rule order by source_line) <= {MAX_EXAMPLES}"
        ") group by all",
        params,
    ).fetchall():
        facts[sid].examples[rule] = [int(x) for x in lines]
    for sid, names in con.execute(
        "select submission_id, list(column_name order by column_name) from ("
        f"select submission_id, column_name from raw.extra_columns where {chosen} "
        f"qualify row_number() over (partition by submission_id order by column_name) <= {MAX_COLUMNS}"
        ") group by all",
        params,
    ).fetchall():
        facts[sid].columns = list(names)
    _warning_examples(con, facts, warned)
    return facts


def _warning_examples(con: duckdb.DuckDBPyConnection, facts: dict[int, _Facts], warned: dict[str, list[int]]) -> None:
    """Warnings quarantine nothing: their example lines come from re-running the rule, once over all files."""
    rules = [rule for name in warned if (rule := rule_by_name(name)) is not None and rule.batch in LINE_BATCHES]
    if not rules:
        return
    with batch_views(con, sorted({sid for r in rules for sid in warned[r.name]}), temporary=True) as views:
        for rule in rules:
            query = rule.render(views.relation(str(rule.batch)))
            for sid, lines in con.execute(
                "select submission_id, list(source_line order by source_line) from (select * from ("
                f"select distinct q.submission_id, q.source_line from ({query}) as q) "
                f"qualify row_number() over (partition by submission_id order by source_line) <= {MAX_EXAMPLES}"
                ") group by all",
            ).fetchall():
                facts[int(sid)].examples[rule.name] = [int(x) for x in lines]


def _render(facts: _Facts) -> str:
    file_name, provider, month, status, total, accepted, quarantined, reason = facts.header
    lines = [
        f"# Submission report: {file_name}",
        "",
        f"- Provider: {provider or 'unknown (file name not usable)'}",
        f"- Reporting month: {month.strftime('%Y-%m') if month else 'unknown'}",  # type: ignore[attr-defined]
        f"- Status: **{status}**",
    ]
    if total is not None:
        lines.append(f"- Rows: {total:,} total, {accepted:,} accepted, {quarantined:,} quarantined")
    if reason:
        lines.append(f"- Reason: {reason}")
    if not facts.results:
        lines += ["", "The file was not checked row by row (it could not be loaded)." if status == "rejected" else ""]
        return "\n".join(lines).rstrip() + "\n"
    failed = [(rule, severity, n) for rule, severity, n in facts.results if n]
    passed = sorted(rule for rule, _, n in facts.results if not n and rule != FILE_REJECTED)
    lines += ["", "## Findings", ""]
    if not failed:
        lines.append("No rule found anything: every row was accepted.")
    for rule, severity, n in failed:
        lines += _finding(facts, rule, severity, n)
    lines += ["", f"## Rules passed ({len(passed)})", "", ", ".join(passed) if passed else "none"]
    return "\n".join(lines).rstrip() + "\n"


def _finding(facts: _Facts, rule_name: str, severity: str, rows_failed: int) -> list[str]:
    rule = rule_by_name(rule_name)
    fix = rule.what_to_fix if rule else _FILE_REJECTED_FIX if rule_name == FILE_REJECTED else ""
    held = "held back" if severity == "error" else "reported only, nothing held back"
    unit = "column(s)" if rule_name == "extra_columns" else "file" if rule_name == "no_data_rows" else "row(s)"
    out = [f"### {rule_name} ({severity}): {rows_failed:,} {unit}, {held}"]
    if rule_name == "extra_columns":
        out.append(f"- Columns: {', '.join(facts.columns)}")
    else:
        examples = facts.examples.get(rule_name, [])
        if examples:
            more = " ..." if rows_failed > len(examples) else ""
            out.append(f"- Example lines: {', '.join(str(n) for n in examples)}{more}")
    if fix:
        out.append(f"- What to fix: {fix}")
    out.append("")
    return out
