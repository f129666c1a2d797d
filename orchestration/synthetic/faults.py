"""Fault injection at write time, and the ground-truth manifest ``_generator/faults.csv``.

Each data row of each file is faulted independently with probability ``error_rate``: a per-file random stream
(seeded from the run seed and the file name) draws geometric gaps between faulted rows, so error-free stretches
cost nothing. A fault lives only in that one file: the same record is intact in every other month's file.
The manifest lists one line per faulted row: ``file_name`` (relative to out_dir, '/'-separated), ``source_line``
(physical line, header = 1), ``fault`` (kind) and ``column`` (blank for ``malformed_line``). It is always written,
with just its header when there are no faults, so a stale manifest from an earlier run never survives."""

from __future__ import annotations

import csv
import math
import random
from array import array
from collections.abc import Sequence
from pathlib import Path

from orchestration.synthetic.columns import COLUMNS
from orchestration.synthetic.fault_kinds import (
    FAULT_KINDS,
    MULTI_ROW_KINDS,
    MULTI_ROW_KINDS_WITH_CONFLICT,
    SINGLE_ROW_KINDS,
    RowDamager,
)
from orchestration.synthetic.randomness import derive_rng

MANIFEST = Path("_generator") / "faults.csv"
MANIFEST_COLUMNS = ("file_name", "source_line", "fault", "column")
_NO_COLUMN = len(COLUMNS)
_NEVER = 1 << 60


class FaultInjector:
    def __init__(
        self, seed: int, rate: float, file_names: Sequence[str], month_ends: Sequence[int], damager: RowDamager
    ) -> None:
        self.seed = seed
        self.rate = rate
        self.file_names = tuple(file_names)
        self.month_ends = tuple(month_ends)  # last day of each file's reporting month
        self.damager = damager
        self._log_keep = math.log1p(-rate) if 0.0 < rate < 1.0 else 0.0
        self._rngs: dict[int, random.Random] = {}
        self._next: dict[int, int] = {}
        # per file: (data row << 8) | (kind << 5) | column position, in row order
        self.entries: list[array[int]] = [array("q") for _ in self.file_names]

    def _gap(self, rng: random.Random) -> int:
        if self.rate >= 1.0:
            return 1
        if self._log_keep == 0.0:
            return _NEVER
        return 1 + int(min(math.log(1.0 - rng.random()) / self._log_keep, _NEVER))

    def apply(self, key: int, first_row: int, text: str, rows: int) -> str:
        """Fault the rows of one episode block, whose first data row is ``first_row`` (1-based) in file ``key``."""
        if self.rate <= 0.0:
            return text
        if key not in self._rngs:
            self._rngs[key] = derive_rng(self.seed, "faults", self.file_names[key])
            self._next[key] = self._gap(self._rngs[key])
        upcoming = self._next[key]
        last_row = first_row + rows - 1
        if upcoming > last_row:
            return text
        rng = self._rngs[key]
        picked: list[int] = []
        while upcoming <= last_row:
            picked.append(upcoming - first_row)
            upcoming += self._gap(rng)
        self._next[key] = upcoming
        single = rows == 1
        kinds = SINGLE_ROW_KINDS if single else MULTI_ROW_KINDS_WITH_CONFLICT if len(picked) < rows else MULTI_ROW_KINDS
        lines = text.split("\n")
        for offset in picked:
            fields = lines[offset].split(",")
            kind = kinds[int(rng.random() * len(kinds))]
            column = self.damager.damage(rng, fields, kind, single, self.month_ends[key])
            lines[offset] = ",".join(fields)
            position = COLUMNS.index(column) if column else _NO_COLUMN
            self.entries[key].append(((first_row + offset) << 8) | (FAULT_KINDS.index(kind) << 5) | position)
        return "\n".join(lines)

    @property
    def total(self) -> int:
        """Faults injected so far."""
        return sum(len(entries) for entries in self.entries)

    def counts(self) -> dict[str, int]:
        """Faults injected so far, by kind."""
        counts = dict.fromkeys(FAULT_KINDS, 0)
        for entries in self.entries:
            for entry in entries:
                counts[FAULT_KINDS[(entry >> 5) & 7]] += 1
        return counts

    def write_manifest(self, out_dir: Path) -> Path:
        """Write the manifest of injected faults under ``out_dir``; returns its path."""
        path = out_dir / MANIFEST
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(MANIFEST_COLUMNS)
            for key in sorted(range(len(self.file_names)), key=self.file_names.__getitem__):
                name = self.file_names[key]
                for entry in self.entries[key]:
                    column = entry & 31
                    writer.writerow(
                        (
                            name,
                            (entry >> 8) + 1,
                            FAULT_KINDS[(entry >> 5) & 7],
                            COLUMNS[column] if column < _NO_COLUMN else "",
                        )
                    )
        return path
