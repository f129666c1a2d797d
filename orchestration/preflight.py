"""Checks at the very start of a run, before anything is written: the landing directory exists and can be read,
and the pseudonymisation key is the one the warehouse was built with (:func:`orchestration.pseudonymise.check_key`).

``journeys run`` calls :func:`preflight` before it starts Dagster (a bad landing directory is then a usage error,
exit 2); the ``landing_submissions`` asset calls it again, so a run started from the UI or the Dagster CLI fails
with the same message before ingestion writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.pseudonymise import check_key
from orchestration.settings import Paths


class LandingError(ValueError):
    """The landing directory does not exist or cannot be read."""


def landing_problem(landing: Path) -> str | None:
    """Why ``landing`` cannot be used as the landing directory, in one line; None when it can (empty is fine)."""
    hint = "point --landing (or JOURNEYS_LANDING) at the folder providers deliver to, or create it"
    if not landing.exists():
        return f"the landing directory {landing} does not exist; {hint}"
    if not landing.is_dir():
        return f"the landing path {landing} is not a directory; {hint}"
    try:
        with os.scandir(landing) as entries:
            next(entries, None)
    except OSError as exc:
        return f"the landing directory {landing} cannot be read ({exc.strerror}); fix its permissions or {hint}"
    return None


def preflight(paths: Paths) -> None:
    """Raise :class:`LandingError` or :class:`~orchestration.pseudonymise.KeyMismatchError` before any write."""
    problem = landing_problem(paths.landing)
    if problem:
        raise LandingError(problem)
    check_key(paths.warehouse)
