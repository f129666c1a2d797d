"""Checking ``generate``'s arguments: every problem is a ValueError with a one-line, user-facing message."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.synthetic.dates import month_label, parse_month

MAX_CLIENTS = 10_000_000
MAX_PROVIDERS = 9_999  # provider codes P0001..P9999
MAX_MONTHS = 240


@dataclass(frozen=True)
class Settings:
    out_dir: Path
    clients: int
    providers: int
    start_month: int  # month index, see dates.py
    end_month: int
    seed: int
    error_rate: float

    @property
    def months(self) -> range:
        """The months to generate, as month numbers."""
        return range(self.start_month, self.end_month + 1)

    @property
    def start(self) -> str:
        """The first month, ``YYYY-MM``."""
        return month_label(self.start_month)

    @property
    def end(self) -> str:
        """The last month, ``YYYY-MM``."""
        return month_label(self.end_month)


def _whole_number(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value:,}")
    return value


def validate_arguments(
    out_dir: object,
    clients: object,
    providers: object,
    start: object,
    end: object,
    seed: object,
    error_rate: object,
    progress: Callable[[int, int], None] | None,
) -> Settings:
    """The generator's settings, or ValueError saying which argument is wrong."""
    if not isinstance(out_dir, str | Path) or str(out_dir) == "":
        raise ValueError(f"out_dir must be a directory path, got {out_dir!r}")
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"out_dir {str(path)!r} exists and is not a directory")
    start_month = parse_month(start, "start")
    end_month = parse_month(end, "end")
    if start_month > end_month:
        raise ValueError(f"start {start} is after end {end}")
    if end_month - start_month + 1 > MAX_MONTHS:
        raise ValueError(f"start {start} to end {end} spans more than {MAX_MONTHS} months")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    if isinstance(error_rate, bool) or not isinstance(error_rate, int | float) or not math.isfinite(error_rate):
        raise ValueError(f"error_rate must be a number between 0 and 1, got {error_rate!r}")
    if not 0.0 <= error_rate <= 1.0:
        raise ValueError(f"error_rate must be between 0 and 1, got {error_rate}")
    if progress is not None and not callable(progress):
        raise ValueError("progress must be a callable progress(done, total) or None")
    return Settings(
        out_dir=path,
        clients=_whole_number(clients, "clients", 1, MAX_CLIENTS),
        providers=_whole_number(providers, "providers", 1, MAX_PROVIDERS),
        start_month=start_month,
        end_month=end_month,
        seed=seed,
        error_rate=float(error_rate),
    )
