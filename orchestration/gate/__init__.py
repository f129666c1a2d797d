"""The quality gate: Great Expectations suites (``expectations/*.json``) validated inside DuckDB.

- :func:`gate_submissions`: gate every pending submission in one set-based pass (quarantine rows, rule results,
  accept / partially accept / reject per file); :func:`run_gate`: the same for one submission;
- :func:`render_reports`: the providers' feedback, many submissions at once (:func:`render_report`: one);
- :func:`validate_files`: ``journeys validate``: gate files in one in-memory DuckDB, nothing written elsewhere;
- :func:`run_marts_sanity`: the marts-sanity suite after dbt.

GX itself is imported only when a validation runs (it takes seconds to import).
"""

from orchestration.gate.gate import (
    GateError,
    GateOutcome,
    RuleOutcome,
    gate_submissions,
    pending_submissions,
    run_gate,
)
from orchestration.gate.marts import SanityResult, run_marts_sanity
from orchestration.gate.provider_feedback import render_report, render_reports
from orchestration.gate.validate import FileValidation, validate_files

__all__ = [
    "FileValidation",
    "GateError",
    "GateOutcome",
    "RuleOutcome",
    "SanityResult",
    "gate_submissions",
    "pending_submissions",
    "render_report",
    "render_reports",
    "run_gate",
    "run_marts_sanity",
    "validate_files",
]
