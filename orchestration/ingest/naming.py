"""Submission file names: ``<AGNCY>_<YYYY-MM>.csv``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from orchestration.ingest.errors import FileRejected

PROVIDER_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{3,7}$")
_FILE_NAME_RE = re.compile(r"^(?P<agncy>[A-Z][A-Z0-9]{3,7})_(?P<year>[0-9]{4})-(?P<month>[0-9]{2})\.csv$")


@dataclass(frozen=True)
class FileName:
    provider_code: str
    reporting_month: date  # first day of the month


def parse_file_name(name: str) -> FileName:
    """Provider code and reporting month from a file's base name, or :class:`FileRejected` saying what is wrong."""
    match = _FILE_NAME_RE.match(name)
    if not match:
        shown = name if len(name) <= 80 else name[:77] + "..."
        raise FileRejected(
            f"file name {shown!r} does not follow <PROVIDER>_<YYYY-MM>.csv (provider code: a capital letter then "
            "3-7 capitals or digits, e.g. P0042_2025-06.csv); rename the file and send it again"
        )
    year, month = int(match["year"]), int(match["month"])
    if not (1 <= month <= 12 and 2000 <= year <= 2099):
        raise FileRejected(
            f"file name {name!r} carries no valid reporting month ({match['year']}-{match['month']}); "
            "use the month the extract is for, e.g. P0042_2025-06.csv"
        )
    return FileName(provider_code=match["agncy"], reporting_month=date(year, month, 1))
