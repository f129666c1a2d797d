"""The data window and the cumulative-extract rule.

Histories are simulated from six years before ``start`` to the last day of ``end``. The file for month M holds
every episode open at any time in the 24 months ending with M: not discharged (as known at M) before the first day
of month M-23."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.synthetic.dates import first_day, last_day

WINDOW_MONTHS = 24
HISTORY_YEARS_BEFORE_START = 6


@dataclass(frozen=True)
class Horizon:
    start_month: int
    end_month: int

    @property
    def first_window_day(self) -> int:
        """First day of the 24-month window of the first file."""
        return first_day(self.start_month - WINDOW_MONTHS + 1)

    @property
    def start_day(self) -> int:
        """The first day of the first generated month."""
        return first_day(self.start_month)

    @property
    def earliest_day(self) -> int:
        """The earliest day a history may start (years before the first month)."""
        return first_day(self.start_month - 12 * HISTORY_YEARS_BEFORE_START)

    @property
    def last_day(self) -> int:
        """The last day of the last generated month."""
        return last_day(self.end_month)


def in_window(discharge_month: int, month: int) -> bool:
    """Whether an episode discharged in ``discharge_month`` still belongs in the file for ``month``."""
    return discharge_month > month - WINDOW_MONTHS
