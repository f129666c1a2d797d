"""The file's verdict and its reason, written for the provider who sent the file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from orchestration.gate.rules import Rule

FILE_REJECTED = "file_rejected"  # the gate's own rule: rows of a rejected file that fail no other rule


@dataclass(frozen=True)
class Verdict:
    rules: tuple[Rule, ...]
    counts: dict[str, int]  # rule -> failing rows (file rules without rows: 1 = failed)
    failing: int  # distinct lines failing error rules
    rows_total: int
    provider_code: str
    first_lines: dict[str, int]  # failed file rules with rows -> first failing line

    def rejection(self, max_failure_share: float) -> str | None:
        """Why the whole file is rejected, or None: a file-scope error rule failed, or too many rows fail."""
        for rule in self.rules:
            if rule.scope == "file" and rule.severity == "error" and self.counts[rule.name]:
                return f"rejected: {self._file_problem(rule)}. {rule.what_to_fix}"
        if self.rows_total and self.failing > max_failure_share * self.rows_total:
            return (
                f"rejected: {self.failing:,} of {self.rows_total:,} rows ({self.failing / self.rows_total:.0%}) fail "
                f"error rules, more than the {max_failure_share:.0%} allowed; most frequent: {self._top('error')}. "
                "Correct these rows and resend the whole file: the report lists example lines and what to fix for "
                "each rule."
            )
        return None

    def summary(self) -> str | None:
        """The reason of a file that is not rejected: what was held back, and the warnings."""
        parts = []
        if self.failing:
            parts.append(
                f"{self.failing:,} of {self.rows_total:,} rows quarantined; most frequent: {self._top('error')}. "
                "Correct them in your next submission: the report lists example lines and what to fix"
            )
        warnings = self._top("warning", limit=5)
        if warnings:
            parts.append(f"warnings (nothing held back): {warnings}")
        return "; ".join(parts) if parts else None

    def _file_problem(self, rule: Rule) -> str:
        n = self.counts[rule.name]
        if rule.name == "no_data_rows":
            unread = f"{self.rows_total:,} line(s) could not be read" if self.rows_total else "header only"
            return f"the file has no readable data rows ({unread})"
        if rule.name == "provider_code_mismatch":
            return (
                f"AGNCY is not {self.provider_code} (the provider code in the file name) on {n:,} row(s), "
                f"first on line {self.first_lines.get(rule.name)}"
            )
        where = f", first on line {self.first_lines[rule.name]}" if rule.name in self.first_lines else ""
        return f"{rule.name} failed ({n:,}{where})"

    def _top(self, severity: str, limit: int = 3) -> str:
        failed = Counter({r.name: self.counts[r.name] for r in self.rules if r.severity == severity})
        return ", ".join(f"{name} ({n:,})" for name, n in failed.most_common(limit) if n)
