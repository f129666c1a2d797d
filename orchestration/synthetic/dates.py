"""Calendar arithmetic: days are proleptic Gregorian ordinals (``date.toordinal()``), months are indexes
``year * 12 + month - 1``. Conversions are memoised: the same few thousand days are formatted millions of times."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

MIN_YEAR = 1950
MAX_YEAR = 9000
_MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: object, name: str) -> int:
    """``YYYY-MM`` → month index; ValueError naming the argument otherwise."""
    match = _MONTH_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{name} must be a month written YYYY-MM (e.g. 2025-01), got {text!r}")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValueError(f"{name} has no month {month:02d}: {text!r}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{name} must be a year between {MIN_YEAR} and {MAX_YEAR}, got {text!r}")
    return year * 12 + month - 1


def month_label(month: int) -> str:
    """A month number as ``YYYY-MM``."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def first_day(month: int) -> int:
    """The ordinal of the month's first day."""
    return date(month // 12, month % 12 + 1, 1).toordinal()


def last_day(month: int) -> int:
    """The ordinal of the month's last day."""
    return first_day(month + 1) - 1


@cache
def month_of(day: int) -> int:
    """The month number of a day ordinal."""
    value = date.fromordinal(day)
    return value.year * 12 + value.month - 1


@cache
def iso(day: int) -> str:
    """A day ordinal as ``YYYY-MM-DD``."""
    return date.fromordinal(day).isoformat()


def from_iso(text: str) -> int:
    """A ``YYYY-MM-DD`` date as a day ordinal."""
    return date.fromisoformat(text).toordinal()


def years_to_days(years: float) -> int:
    """Years as a whole number of days."""
    return round(years * 365.2425)
