"""Provider feedback for one submission: status, reason, counts per rule, example lines, what to fix.

Reads only rows of this submission (``ingest.submissions``, ``gate.rule_results``, ``quarantine.rows``,
``raw.extra_columns`` filtered by ``submission_id``) and shows line numbers, column names and rule texts only:
never a value from a row (no attributors, no other provider's data).
"""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.gate.batches import batch_views
from orchestration.gate.rules import Rule, rule_by_name
from orchestration.gate.verdict import FILE_REJECTED

MAX_EXAMPLES = 10
_FILE_REJECTED_FIX = (
    "The file was rejected as a whole (see the reason); these rows failed no rule themselves. "
    "Send them again with the corrected file."
)


def render_report(con: duckdb.DuckDBPyConnection, submission_id: int) -> str:
    """Markdown (readable as plain text) for the provider who sent this submission."""
    found = con.execute(
        "select file_name, provider_code, reporting_month, status, rows_total, rows_accepted, rows_quarantined, "
        "reason from ingest.submissions where submission_id = $id",
        {"id": submission_id},
    ).fetchall()
    if not found:
        raise ValueError(f"submission {submission_id} is not in ingest.submissions")
    file_name, provider, month, status, total, accepted, quarantined, reason = found[0]
    lines = [
        f"# Submission report: {file_name}",
        "",
        f"- Provider: {provider or 'unknown (file name not usable)'}",
        f"- Reporting month: {month.strftime('%Y-%m') if month else 'unknown'}",
        f"- Status: **{status}**",
    ]
    if total is not None:
        lines.append(f"- Rows: {total:,} total, {accepted:,} accepted, {quarantined:,} quarantined")
    if reason:
        lines.append(f"- Reason: {reason}")
    results = con.execute(
        "select rule, severity, rows_failed from gate.rule_results where submission_id = $id "
        "order by severity, rows_failed desc, rule",
        {"id": submission_id},
    ).fetchall()
    if not results:
        lines += ["", "The file was not checked row by row (it could not be loaded)." if status == "rejected" else ""]
        return "\n".join(lines).rstrip() + "\n"
    failed = [(rule, severity, n) for rule, severity, n in results if n]
    passed = sorted(rule for rule, _, n in results if not n and rule != FILE_REJECTED)
    lines += ["", "## Findings", ""]
    if not failed:
        lines.append("No rule found anything: every row was accepted.")
    for rule, severity, n in failed:
        lines += _finding(con, submission_id, provider, month, rule, severity, n)
    lines += ["", f"## Rules passed ({len(passed)})", "", ", ".join(passed) if passed else "none"]
    return "\n".join(lines).rstrip() + "\n"


def _finding(
    con: duckdb.DuckDBPyConnection,
    submission_id: int,
    provider: str,
    month: date,
    rule_name: str,
    severity: str,
    rows_failed: int,
) -> list[str]:
    rule = rule_by_name(rule_name)
    fix = rule.what_to_fix if rule else _FILE_REJECTED_FIX if rule_name == FILE_REJECTED else ""
    held = "held back" if severity == "error" else "reported only, nothing held back"
    unit = "column(s)" if rule_name == "extra_columns" else "file" if rule_name == "no_data_rows" else "row(s)"
    out = [f"### {rule_name} ({severity}): {rows_failed:,} {unit}, {held}"]
    if rule_name == "extra_columns":
        names = [r[0] for r in con.execute(
            "select column_name from raw.extra_columns where submission_id = $id order by column_name limit 20",
            {"id": submission_id},
        ).fetchall()]  # fmt: skip
        out.append(f"- Columns: {', '.join(names)}")
    elif rule_name != "no_data_rows":
        examples = _examples(con, submission_id, provider, month, rule, rule_name, severity)
        if examples:
            more = " ..." if rows_failed > len(examples) else ""
            out.append(f"- Example lines: {', '.join(str(n) for n in examples)}{more}")
    if fix:
        out.append(f"- What to fix: {fix}")
    out.append("")
    return out


def _examples(
    con: duckdb.DuckDBPyConnection,
    submission_id: int,
    provider: str,
    month: date,
    rule: Rule | None,
    rule_name: str,
    severity: str,
) -> list[int]:
    """Up to MAX_EXAMPLES source lines: from quarantine (errors) or by re-running the rule's query (warnings)."""
    if severity == "error":
        rows = con.execute(
            "select distinct source_line from quarantine.rows where submission_id = $id and rule = $rule "
            f"order by source_line limit {MAX_EXAMPLES}",
            {"id": submission_id, "rule": rule_name},
        ).fetchall()
        return [int(r[0]) for r in rows]
    if rule is None or rule.query is None or rule.batch is None or provider is None or month is None:
        return []
    with batch_views(con, submission_id, provider, month, temporary=True) as views:
        query = rule.render(views.relation(rule.batch))
        rows = con.execute(
            f"select distinct source_line from ({query}) as q order by source_line limit {MAX_EXAMPLES}"
        ).fetchall()
    return [int(r[0]) for r in rows]
