"""Readable progress for ``journeys run``: a Dagster logger that prints one line per step and per dbt model."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from dagster import InitLoggerContext, logger


class _StepPrinter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.started: dict[str, float] = {}
        self.materialised = 0

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        step = event.step_key or ""
        now = time.monotonic()
        if kind == "STEP_START":
            self.started[step] = now
            _out(f"  … {step}")
        elif kind == "STEP_SUCCESS":
            _out(f"  ✓ {step} ({now - self.started.get(step, now):.1f}s)")
        elif kind == "STEP_FAILURE":
            _out(f"  ✗ {step} failed")
        elif kind == "ASSET_MATERIALIZATION":
            self.materialised += 1
            if step.startswith("journeys_dbt_assets"):
                _out(f"    dbt: {self.materialised} assets materialised", end="\r")
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            evaluation = getattr(data, "asset_check_evaluation", data)
            if evaluation is not None and not getattr(evaluation, "passed", True):
                name = getattr(evaluation, "check_name", "?")
                _out(f"  ! check {name} failed")


def _out(text: str, end: str = "\n") -> None:
    if end == "\r" and not sys.stderr.isatty():
        return
    print(text.ljust(60) if end == "\r" else text, end=end, file=sys.stderr, flush=True)


@logger(description="One readable line per step for the journeys command line.")
def journeys_progress(_: InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("journeys.progress")
    log.setLevel(logging.DEBUG)
    log.handlers = [_StepPrinter()]
    log.propagate = False
    return log


def run_config(journeys: dict[str, Any]) -> dict[str, Any]:
    return {"loggers": {"journeys_progress": {}}, "resources": {"journeys": {"config": journeys}}}
