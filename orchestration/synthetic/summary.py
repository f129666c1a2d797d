"""What ``generate`` did, for the command line's one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


@dataclass(frozen=True)
class GenerateSummary:
    out_dir: Path
    files_written: int  # monthly submission files (the manifest is not counted)
    rows_written: int  # data rows over all files
    clients: int  # people simulated
    providers: int
    regions: int
    episodes: int
    start: str
    end: str
    seed: int
    error_rate: float
    faults_injected: int
    faults_by_kind: dict[str, int] = field(default_factory=dict)
    manifest: Path | None = None  # out_dir/_generator/faults.csv

    @property
    def months(self) -> int:
        """Months generated."""
        return self.files_written // self.providers if self.providers else 0

    def describe(self) -> str:
        """One line for people: what was generated."""
        if self.faults_injected:
            faults = f"{_count(self.faults_injected, 'fault')} injected (listed in {self.manifest})"
        else:
            faults = "no faults injected"
        return (
            f"Generated {_count(self.files_written, 'file')} ({_count(self.rows_written, 'row')}) in {self.out_dir}: "
            f"{_count(self.clients, 'client')}, {_count(self.episodes, 'episode')}, "
            f"{_count(self.providers, 'provider')} in {_count(self.regions, 'region')}, "
            f"{_count(self.months, 'month')} ({self.start} to {self.end}), seed {self.seed}; {faults}."
        )
