"""Writing the monthly files: ``<out_dir>/<AGNCY>/<AGNCY>_<YYYY-MM>.csv``.

Every file is created (truncated) with its header first, then rows are appended in the order episodes are
simulated. Rows are buffered in memory per file and flushed, in append mode, whenever the buffers hold
``flush_bytes`` in total: memory stays bounded whatever the number of clients, no more than one file handle is
open at a time (providers x months may be thousands), and the bytes of every file do not depend on when flushes
happen. Lines end with LF; no field ever needs quoting (codes, ids and ISO dates only), so RFC 4180 holds with
no quotes at all and physical line k+1 is data row k."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.synthetic.columns import HEADER
from orchestration.synthetic.faults import FaultInjector

DEFAULT_FLUSH_BYTES = 32 * 1024 * 1024


def file_name(provider_code: str, month_label: str) -> str:
    """The file's path relative to out_dir, '/'-separated."""
    return f"{provider_code}/{provider_code}_{month_label}.csv"


@dataclass(frozen=True)
class WriteStats:
    files: int
    rows: int


class SubmissionWriter:
    def __init__(
        self,
        out_dir: Path,
        names: Sequence[str],
        injector: FaultInjector | None = None,
        flush_bytes: int = DEFAULT_FLUSH_BYTES,
    ) -> None:
        self.out_dir = out_dir
        self.names = tuple(names)
        self.injector = injector
        self.flush_bytes = flush_bytes
        self._buffers: list[list[str]] = [[] for _ in self.names]
        self._rows = [0] * len(self.names)
        self._pending = 0

    def create(self) -> None:
        """Create every submission file with its header."""
        for name in self.names:
            path = self.out_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(HEADER)

    def add(self, key: int, text: str, rows: int) -> None:
        """Buffer ``rows`` rows of text for file ``key`` (faults injected here)."""
        if self.injector is not None:
            text = self.injector.apply(key, self._rows[key] + 1, text, rows)
        self._buffers[key].append(text)
        self._rows[key] += rows
        self._pending += len(text)
        if self._pending >= self.flush_bytes:
            self.flush()

    def add_months(self, first_key: int, count: int, text: str, rows: int) -> None:
        """The same rows for ``count`` consecutive months of one provider (files ``first_key``...)."""
        if self.injector is not None:
            for key in range(first_key, first_key + count):
                self.add(key, text, rows)
            return
        buffers, counts = self._buffers, self._rows
        for key in range(first_key, first_key + count):
            buffers[key].append(text)
            counts[key] += rows
        self._pending += len(text) * count
        if self._pending >= self.flush_bytes:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows out."""
        for key, buffer in enumerate(self._buffers):
            if buffer:
                with (self.out_dir / self.names[key]).open("a", encoding="utf-8", newline="") as handle:
                    handle.write("".join(buffer))
                buffer.clear()
        self._pending = 0

    def close(self) -> WriteStats:
        """Flush and close every file; returns the counts written."""
        self.flush()
        return WriteStats(files=len(self.names), rows=sum(self._rows))
