"""SQL literals for the few values this package splices into generated SQL (codes, dates, names it owns)."""

from __future__ import annotations

from datetime import date


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def date_literal(day: date) -> str:
    """A SQL DATE literal."""
    return f"date '{day.isoformat()}'"
