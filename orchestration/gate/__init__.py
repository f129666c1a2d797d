"""The quality gate: Great Expectations suites (``expectations/*.json``) validated inside DuckDB.

- :func:`run_gate`: gate one loaded submission (quarantine rows, rule results, accept / partially accept / reject);
- :func:`render_report`: the provider's feedback for one submission;
- :func:`validate_files`: ``journeys validate``: gate files in an in-memory DuckDB, nothing written elsewhere;
- :func:`run_marts_sanity`: the marts-sanity suite after dbt.

GX itself is imported only when a validation runs (it takes seconds to import).
"""

from orchestration.gate.gate import GateError, GateOutcome, RuleOutcome, run_gate
from orchestration.gate.marts import SanityResult, run_marts_sanity
from orchestration.gate.report import render_report
from orchestration.gate.validate import FileValidation, validate_files

__all__ = [
    "FileValidation",
    "GateError",
    "GateOutcome",
    "RuleOutcome",
    "SanityResult",
    "render_report",
    "run_gate",
    "run_marts_sanity",
    "validate_files",
]
