"""The marts-sanity suite (``expectations/marts_sanity.json``), validated by GX inside DuckDB after dbt.

Each expectation names its tables in ``meta.tables`` (``"*"``: every table and view in schema ``marts``). A rule
passes when it passes on all its tables; a table that does not exist fails the rule. Read-only: works on a
read-only connection (nothing is created).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from orchestration.gate.gate import gx_errors
from orchestration.gate.rules import MARTS_SUITE, Rule, suite_rules

SCHEMA = "marts"


@dataclass(frozen=True)
class SanityResult:
    name: str
    passed: bool
    details: str


def run_marts_sanity(con: duckdb.DuckDBPyConnection) -> list[SanityResult]:
    """One result per rule of the marts-sanity suite, in file order."""
    from orchestration.gate.gx_duckdb import gx_session

    existing = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = $s order by table_name",
            {"s": SCHEMA},
        ).fetchall()
    ]
    rules = suite_rules(MARTS_SUITE)
    problems: dict[str, list[str]] = {rule.name: [] for rule in rules}
    with gx_session(con, SCHEMA) as session:
        for table in sorted({t for rule in rules for t in _tables(rule, existing)}):
            chosen = [rule for rule in rules if table in _tables(rule, existing)]
            if table not in existing:
                for rule in chosen:
                    problems[rule.name].append(f"{SCHEMA}.{table} does not exist")
                continue
            results = session.validate(table, MARTS_SUITE, [rule.expectation for rule in chosen])
            for rule in chosen:
                problem = _problem(con, rule, table, results.get(rule.name))
                if problem:
                    problems[rule.name].append(f"{SCHEMA}.{table}: {problem}")
    return [SanityResult(rule.name, not problems[rule.name], "; ".join(problems[rule.name]) or "ok") for rule in rules]


def _tables(rule: Rule, existing: list[str]) -> list[str]:
    return existing if "*" in rule.tables else list(rule.tables)


def _problem(con: duckdb.DuckDBPyConnection, rule: Rule, table: str, result: Any) -> str | None:
    if result is None:
        return "no result from GX"
    errors = gx_errors(result)
    if errors:
        return f"could not be evaluated ({str(errors[0])[:300]})"
    if result.success:
        return None
    details = result.result or {}
    if rule.query is not None:
        examples = con.execute(f"select * from ({rule.render(f'{SCHEMA}.{table}')}) as q limit 3").fetchall()
        shown = ", ".join(str(e[0] if len(e) == 1 else e) for e in examples)
        return f"{details.get('observed_value')} offending row(s), e.g. {shown}"
    if "unexpected_count" in details:
        sample = details.get("partial_unexpected_list") or []
        return f"{details['unexpected_count']} row(s) outside the expectation (e.g. {sample[:3]})"
    return f"failed ({details.get('observed_value')})"
