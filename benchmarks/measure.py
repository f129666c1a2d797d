"""Timing and peak memory of one piece of work, run in a fresh subprocess so peaks do not mix.

``in_subprocess`` runs ``setup`` (untimed: imports, opening files) and then ``code`` (timed) in a new interpreter;
``code`` must leave a dict in ``RESULT``. The peak is the larger of the interpreter's own peak RSS and that of any
child process it waited for (``ru_maxrss``), so work done in threads or helper processes is covered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

_PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float  # wall clock
    cpu_seconds: float  # user + system CPU of the timed code (less sensitive to other load on the machine)
    peak_mb: float
    result: dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """One target's outcome, for the closing summary."""

    target: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'MISS'}  {self.target}: {self.detail}"


def in_subprocess(label: str, code: str, setup: str = "", env: Mapping[str, str] | None = None) -> Measurement:
    """Run ``setup`` then ``code`` (timed) in a new interpreter; measure ``code``'s seconds and the peak RSS."""
    wrapper = (
        "import json, resource, time\n"
        f"{setup}\n"
        "def cpu():\n"
        "    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime\n"
        "               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "c0 = cpu()\n"
        "t0 = time.perf_counter()\n"
        f"{code}\n"
        "elapsed = time.perf_counter() - t0\n"
        "cpu_seconds = cpu() - c0\n"
        "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024\n"
        "print('\\n' + json.dumps({'seconds': elapsed, 'cpu': cpu_seconds, 'peak_mb': peak, 'result': RESULT}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        check=False,
        cwd=_PROJECT_ROOT,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(label, payload["seconds"], payload["cpu"], payload["peak_mb"], payload["result"])


def best_of(repeat: int, measure: Callable[[], Measurement]) -> Measurement:
    """The fastest of ``repeat`` runs (the least disturbed by other load on the machine), with the highest peak."""
    runs = [measure() for _ in range(max(repeat, 1))]
    fastest = min(runs, key=lambda run: run.seconds)
    return replace(fastest, peak_mb=max(run.peak_mb for run in runs))


def ratio(subject: Measurement, baseline: Measurement) -> float:
    return subject.seconds / baseline.seconds if baseline.seconds else float("inf")


def cpu_ratio(subject: Measurement, baseline: Measurement) -> float:
    return subject.cpu_seconds / baseline.cpu_seconds if baseline.cpu_seconds else float("inf")


def line(measurement: Measurement, rows: int) -> str:
    rate = rows / measurement.seconds if measurement.seconds else float("inf")
    return (
        f"  {measurement.label:<34} {measurement.seconds:8.2f} s  {rate:12,.0f} rows/s  "
        f"peak {measurement.peak_mb:8,.0f} MB  (cpu {measurement.cpu_seconds:.1f} s)"
    )


def report(title: str, subject: Measurement, baseline: Measurement, rows: int, limit: float) -> tuple[str, Verdict]:
    """The stage's lines (baseline, subject, ratio) and its verdict against ``limit`` (subject / baseline)."""
    value = ratio(subject, baseline)
    passed = value <= limit
    text = "\n".join(
        [
            f"== {title} ({rows:,} rows)",
            line(baseline, rows),
            line(subject, rows),
            f"  ratio {value:.2f}x ({'within' if passed else 'OVER'} the {limit:g}x target); "
            f"cpu ratio {cpu_ratio(subject, baseline):.2f}x",
        ]
    )
    verdict = Verdict(
        title,
        passed,
        f"{value:.2f}x the DuckDB-only baseline (target <= {limit:g}x; cpu {cpu_ratio(subject, baseline):.2f}x); "
        f"{subject.seconds:.1f} s vs {baseline.seconds:.1f} s, {rows:,} rows, peak {subject.peak_mb:,.0f} MB",
    )
    return text, verdict
