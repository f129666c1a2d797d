"""Timing and peak memory of one piece of work, run in a fresh subprocess so peaks do not mix."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    peak_mb: float
    result: dict[str, float]


def in_subprocess(label: str, code: str) -> Measurement:
    """Run ``code`` (which must print one JSON object last) in a new interpreter; time it and its peak RSS."""
    wrapper = (
        "import json, resource, time\n"
        "t0 = time.perf_counter()\n"
        f"{code}\n"
        "elapsed = time.perf_counter() - t0\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': elapsed, 'peak_mb': peak, 'result': RESULT}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{done.stderr[-3000:]}")
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(label, payload["seconds"], payload["peak_mb"], payload["result"])


def report(title: str, subject: Measurement, baseline: Measurement, rows: int, limit: float) -> str:
    ratio = subject.seconds / baseline.seconds if baseline.seconds else float("inf")
    verdict = "within" if ratio <= limit else "OVER"
    return "\n".join(
        [
            f"== {title} ({rows:,} rows)",
            f"  {baseline.label:<28} {baseline.seconds:8.2f} s  {rows / baseline.seconds:12,.0f} rows/s  "
            f"peak {baseline.peak_mb:8.0f} MB",
            f"  {subject.label:<28} {subject.seconds:8.2f} s  {rows / subject.seconds:12,.0f} rows/s  "
            f"peak {subject.peak_mb:8.0f} MB",
            f"  ratio {ratio:.2f}x ({verdict} the {limit}x target)",
        ]
    )
