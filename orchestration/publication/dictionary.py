"""The data dictionary every pack carries (``data_dictionary.csv``): each column's meaning, type, unit, rounding."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from orchestration.publication.tables import MartTable, documented_columns

DICTIONARY_FILE = "data_dictionary.csv"
DICTIONARY_HEADER = ("file", "column", "measure", "meaning", "type", "unit", "rounding")


def dictionary_rows(tables: Sequence[MartTable]) -> list[tuple[str, ...]]:
    """The data dictionary's rows: one per published column of every table."""
    return [
        (table.file_name, c.name, table.measure_name, c.meaning, c.type, c.unit, c.rounding)
        for table in tables
        for c in documented_columns(table)
    ]


def write_dictionary(path: Path, tables: Sequence[MartTable]) -> None:
    """Write the data dictionary CSV of ``tables`` to ``path``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DICTIONARY_HEADER)
        writer.writerows(dictionary_rows(tables))
