"""The rules: GX expectation suites kept as reviewable JSON in ``expectations/``, one file per concern.

Every expectation carries its rule in ``meta``:

- ``rule``: stable snake_case name (what ``gate.rule_results``, ``quarantine.rows`` and the report show);
- ``severity``: ``error`` (the row is quarantined / the file rejected) or ``warning`` (reported only); GX's own
  ``severity`` field says the same (``critical`` / ``warning``);
- ``scope``: ``row`` (failing rows are quarantined), ``file`` (the file is rejected) or ``table`` (marts sanity);
- ``what_to_fix``: the provider-facing instruction;
- ``batch`` (gate suites): which gate relation ``{batch}`` stands for (see :mod:`.batch_relations`), or
  ``tables`` (marts sanity): the marts tables the expectation runs on (``"*"`` = every table in schema marts).

A rule is defined once: the gate validates the suite with GX, and the rows it quarantines are the rows of the very
same ``unexpected_rows_query`` over the same relation (GX substitutes ``{batch}`` with ``(SELECT * FROM relation
WHERE true)``, the quarantine with ``relation``: the same rows; the gate checks that both counts agree).

Every gate rule is an ``unexpected_rows_expectation`` whose query selects ``submission_id`` first (then
``source_line`` for rules on lines of a file): one gate pass runs each query once over every pending submission,
so a query that groups or joins rows must do so within a submission (``group by submission_id, ...``, joins on
``submission_id``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from orchestration.settings import EXPECTATIONS_DIR

GATE_SUITES = ("file_structure", "row_validity", "date_logic", "episode_consistency")
MARTS_SUITE = "marts_sanity"

SEVERITIES = ("error", "warning")
_GX_SEVERITY = {"error": "critical", "warning": "warning"}
_SCOPES = ("row", "file", "table")
GATE_BATCHES = ("files", "rows", "malformed_lines", "extra_columns")
LINE_BATCHES = ("rows", "malformed_lines")  # batches whose rows are lines of a file (with source_line)


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite file, with its rule metadata."""

    name: str
    suite: str
    severity: str
    scope: str
    what_to_fix: str
    batch: str | None  # gate suites: files / rows / malformed_lines / extra_columns
    tables: tuple[str, ...]  # marts sanity: table names, or ("*",)
    expectation: dict[str, Any]  # the expectation as serialised in the suite file

    @property
    def query(self) -> str | None:
        """The ``unexpected_rows_query`` (``{batch}`` placeholder) for UnexpectedRowsExpectations, else None."""
        value = self.expectation["kwargs"].get("unexpected_rows_query")
        return value if isinstance(value, str) else None

    @property
    def quarantines(self) -> bool:
        """An error rule on lines of the file: its failing lines go to ``quarantine.rows``."""
        return self.severity == "error" and self.batch in LINE_BATCHES

    def render(self, relation: str) -> str:
        """The query with ``{batch}`` replaced by ``relation`` (``str.format``, as GX's ``_format_query`` does)."""
        if self.query is None:
            raise ValueError(f"rule {self.name} is not an unexpected-rows query")
        return self.query.format(batch=relation)


class RuleFileError(ValueError):
    """A suite file breaks the conventions above."""


def load_suite_json(suite: str) -> dict[str, Any]:
    """The GX suite ``expectations/<suite>.json`` as a dict."""
    with (EXPECTATIONS_DIR / f"{suite}.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def suite_rules(suite: str) -> tuple[Rule, ...]:
    """The rules of one suite file, checked for complete and consistent metadata."""
    data = load_suite_json(suite)
    rules = []
    for expectation in data["expectations"]:
        meta = expectation.get("meta") or {}
        name = meta.get("rule")
        if not isinstance(name, str) or not name.replace("_", "").isalnum() or name.lower() != name:
            raise RuleFileError(f"{suite}: expectation without a snake_case meta.rule: {expectation}")
        severity, scope = meta.get("severity"), meta.get("scope")
        if severity not in SEVERITIES or scope not in _SCOPES or not meta.get("what_to_fix"):
            raise RuleFileError(f"{suite}/{name}: meta needs severity {SEVERITIES}, scope {_SCOPES}, what_to_fix")
        if expectation.get("severity", "critical") != _GX_SEVERITY[severity]:
            raise RuleFileError(f"{suite}/{name}: GX severity must be {_GX_SEVERITY[severity]!r} for {severity!r}")
        rules.append(
            Rule(
                name=name,
                suite=suite,
                severity=severity,
                scope=scope,
                what_to_fix=meta["what_to_fix"],
                batch=meta.get("batch"),
                tables=tuple(meta.get("tables") or ()),
                expectation=expectation,
            )
        )
    return tuple(rules)


@cache
def gate_rules() -> tuple[Rule, ...]:
    """Every rule of the gate suites, in file order; names are unique across suites."""
    rules = tuple(rule for suite in GATE_SUITES for rule in suite_rules(suite))
    names = [rule.name for rule in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RuleFileError(f"rule names used twice: {duplicates}")
    for rule in rules:
        if rule.batch not in GATE_BATCHES:
            raise RuleFileError(f"{rule.suite}/{rule.name}: meta.batch must name a gate batch {GATE_BATCHES}")
        if rule.query is None:
            raise RuleFileError(
                f"{rule.suite}/{rule.name}: a gate rule must be an unexpected-rows query selecting submission_id "
                "(one gate pass judges many files)"
            )
    return rules


def rule_by_name(name: str) -> Rule | None:
    """The gate rule called ``name``, or None."""
    return next((rule for rule in gate_rules() if rule.name == name), None)
