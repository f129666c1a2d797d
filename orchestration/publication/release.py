"""Release metadata a pack carries, as a gov.uk official statistics release does: status, dates, source, policy.

Where each fact comes from (decisions; the spec is silent):

- **Synthetic or real.** ``JOURNEYS_SYNTHETIC`` (``1``/``true``/``yes`` or ``0``/``false``/``no``) says so
  explicitly. Unset, the data are taken to be synthetic when the landing directory holds the generator's marker
  (``_generator/``, written by ``journeys generate``), so the demo's packs say so without any setting. A pack of
  synthetic data is never called official statistics: its status is "synthetic data for demonstration".
- **Status** of real data: ``JOURNEYS_STATISTICS_STATUS``, one of ``STATUSES`` (default "official statistics in
  development", the status of new statistics still being developed and tested with users).
- **Dates.** Publication date: the date of ``generated_at`` when given, else the scheduled release date (the
  schedule publishes month M on the 5th of the month after M). Next release: the 5th of the following month.
  Both are pure functions of the inputs, so packs stay reproducible.
- **Contact**: ``JOURNEYS_RELEASE_CONTACT`` (default: the producing team, no address configured).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from orchestration.publication.reporting_window import PublicationError, add_months

RELEASE_DAY = 5  # the regional schedule runs on the 5th of each month
SYNTHETIC_STATUS = "synthetic data for demonstration"
STATUSES = (
    "accredited official statistics",
    "official statistics",
    "official statistics in development",
    "management information",
)
DEFAULT_STATUS = "official statistics in development"
SOURCE = (
    "Monthly treatment-episode submissions from drug and alcohol treatment providers (NDTMS-style core data set), "
    "validated by the journeys quality gate and summarised in the journeys serving database"
)
REVISIONS_POLICY = (
    "Each release recalculates the whole series from the latest submissions, so figures for earlier months can "
    "change when providers correct or complete their records. Figures marked provisional or year to date are "
    "expected to change. Earlier releases are not edited; corrections appear in the next release."
)
DEFAULT_CONTACT = "the journeys data platform team (no contact address configured: set JOURNEYS_RELEASE_CONTACT)"
SYNTHETIC_STATEMENT = (
    "These figures are made from synthetic (computer-generated) data. They describe no real person or service and "
    "must not be used as evidence about drug and alcohol treatment."
)
GENERATOR_MARKER = "_generator"
_TRUE, _FALSE = ("1", "true", "yes"), ("0", "false", "no")


@dataclass(frozen=True)
class ReleaseInfo:
    """What a reader of a release is told about it."""

    synthetic: bool
    status: str
    contact: str = DEFAULT_CONTACT
    source: str = SOURCE
    revisions_policy: str = REVISIONS_POLICY

    @classmethod
    def from_environment(cls, landing: Path | None = None) -> ReleaseInfo:
        """Synthetic per ``JOURNEYS_SYNTHETIC``, else per the generator's marker in ``landing``; status and
        contact from ``JOURNEYS_STATISTICS_STATUS`` and ``JOURNEYS_RELEASE_CONTACT``."""
        flag = os.environ.get("JOURNEYS_SYNTHETIC", "").strip().lower()
        if flag in _TRUE:
            synthetic = True
        elif flag in _FALSE and flag:
            synthetic = False
        elif flag:
            raise PublicationError(f"JOURNEYS_SYNTHETIC={flag!r}: set it to 1 (synthetic data) or 0 (real data)")
        else:
            synthetic = landing is not None and (landing / GENERATOR_MARKER).is_dir()
        status = os.environ.get("JOURNEYS_STATISTICS_STATUS", DEFAULT_STATUS).strip().lower()
        if status not in STATUSES:
            raise PublicationError(
                f"JOURNEYS_STATISTICS_STATUS={status!r} is not a statistics status: use one of {', '.join(STATUSES)}"
            )
        contact = os.environ.get("JOURNEYS_RELEASE_CONTACT", "").strip() or DEFAULT_CONTACT
        return cls(synthetic=synthetic, status=SYNTHETIC_STATUS if synthetic else status, contact=contact)


def release_dates(month: date, generated_at: str | None) -> tuple[date, date]:
    """(publication date, next release date) of the pack for reporting month ``month``."""
    scheduled = add_months(month, 1).replace(day=RELEASE_DAY)
    published = scheduled
    if generated_at:
        try:
            published = datetime.fromisoformat(generated_at.replace("Z", "+00:00")).date()
        except ValueError as error:
            raise PublicationError(f"generated_at {generated_at!r} is not an ISO date or timestamp") from error
    return published, add_months(published.replace(day=1), 1).replace(day=RELEASE_DAY)


def long_date(day: date) -> str:
    """gov.uk style: 5 July 2025."""
    return f"{day.day} {day:%B %Y}"
