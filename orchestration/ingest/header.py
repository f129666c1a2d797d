"""The header row: which submission column sits at which position, or why the file cannot be used."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.errors import FileRejected
from orchestration.warehouse import SUBMISSION_COLUMNS

_MAX_HEADER_BYTES = 64 * 1024
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass(frozen=True)
class Header:
    names: tuple[str, ...]  # as written in the file
    positions: dict[str, int]  # submission column (lower case) -> 0-based position
    extra: dict[str, int]  # unknown column name (as written) -> position


def read_header(path: Path) -> Header:
    """The file's header row: its column names and where each submission column is (FileRejected if unusable)."""
    with path.open("rb") as handle:
        first = handle.readline(_MAX_HEADER_BYTES)
    if not first:
        raise FileRejected("the file is empty: send the month's extract with a header row and one row per record")
    if not first.endswith(b"\n") and len(first) >= _MAX_HEADER_BYTES:
        raise FileRejected("the first line is longer than 64 KiB, so it is not a header row; check the file format")
    text = first.decode("utf-8-sig").rstrip("\r\n")
    names = next(csv.reader([text]), [])
    if len(names) <= 1:
        found = [label for char, label in _OTHER_DELIMITERS.items() if char in text]
        if found:
            raise FileRejected(
                f"the header row is separated by {found[0]}, not commas; export the file as comma-separated CSV"
            )
        raise FileRejected(
            "the first line is not a header row of the submission columns (AGNCY, CLIENTID, ...); "
            "add the header row and export as comma-separated CSV"
        )
    positions: dict[str, int] = {}
    extra: dict[str, int] = {}
    duplicates: list[str] = []
    known = set(SUBMISSION_COLUMNS)
    for position, raw_name in enumerate(names):
        name = raw_name.strip().lower()
        if name in positions or any(n.strip().lower() == name for n in extra):
            duplicates.append(raw_name.strip())
        elif name in known:
            positions[name] = position
        else:
            extra[raw_name.strip() or f"(unnamed column {position + 1})"] = position
    if duplicates:
        shown = ", ".join(sorted({d.upper()[:40] for d in duplicates}))
        raise FileRejected(f"column(s) {shown} appear more than once in the header; keep one of each and resend")
    missing = [c.upper() for c in SUBMISSION_COLUMNS if c not in positions]
    if missing:
        raise FileRejected(
            f"the header lacks required column(s) {', '.join(missing)}; every column of the submission format "
            "must be present (values may be blank where the format allows)"
        )
    return Header(names=tuple(names), positions=positions, extra=extra)
