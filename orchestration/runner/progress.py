"""Live progress for ``journeys run``: a Dagster logger that follows the run's events.

On a terminal (stderr is a TTY) it draws a ``rich`` progress display: one row per step with its elapsed time,
files ingested out of the landing directory's total (through :func:`step_progress`, which the ingest asset passes
to :func:`orchestration.ingest.run.ingest_landing`), and dbt nodes done (models and seeds materialised, tests
evaluated) out of the manifest's total. Otherwise (a log file, CI) it prints plain text with no control
characters: one line per finished step, with its count and elapsed time, and a progress line at most every
``PLAIN_EVERY`` seconds while a long step runs.

Outside ``journeys run`` (``dagster dev``, ``dagster job execute``) there is no display in the process:
:func:`step_progress` then logs a line through the step's Dagster log at most every ``LOG_EVERY`` seconds.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dagster import AssetExecutionContext, InitLoggerContext, logger
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column

PLAIN_EVERY = 30.0
LOG_EVERY = 10.0
DBT_STEP = "journeys_dbt_assets"
_DBT_RESOURCE_TYPES = ("model", "seed", "snapshot", "test")
_DBT_EVENTS = ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "ASSET_OBSERVATION")


def dbt_node_count() -> int | None:
    """Models, seeds, snapshots and data tests in the dbt manifest: what one ``dbt build`` of the project runs."""
    from orchestration.defs.dbt_manifest import dbt_project

    try:
        nodes = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))["nodes"].values()
    except (OSError, ValueError, KeyError):
        return None
    return sum(1 for node in nodes if node.get("resource_type") in _DBT_RESOURCE_TYPES)


@dataclass
class _Step:
    name: str
    started: float
    unit: str = ""
    done: int = 0
    total: int | None = None
    note: str = ""
    last_plain: float = field(default=0.0)
    task: Any = None

    def counts(self) -> str:
        if self.total is not None:
            return f"{self.done}/{self.total} {self.unit}"
        return f"{self.done} {self.unit}" if self.done else ""


class _Display(logging.Handler):
    """Turns the run's Dagster events into the live display (TTY) or plain lines."""

    def __init__(self, live: bool) -> None:
        super().__init__(level=logging.DEBUG)
        self.live = live
        self.steps: dict[str, _Step] = {}
        self.bar: Progress | None = None

    # -- events --------------------------------------------------------------------------------------------------
    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        name = event.step_key or ""
        if kind == "STEP_START":
            self.start(name)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            self.finish(name, ok=kind == "STEP_SUCCESS")
        elif kind in _DBT_EVENTS and name == DBT_STEP:
            step = self.steps.get(name)
            if step is not None:
                self.update(name, step.done + 1, step.total)
        elif kind == "ASSET_MATERIALIZATION":
            self.note_materialisation(name, event)
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            evaluation = getattr(data, "asset_check_evaluation", data)
            if evaluation is not None and not getattr(evaluation, "passed", True):
                self.say(f"  ! check {getattr(evaluation, 'check_name', '?')} failed")
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE"):
            self.close()

    def note_materialisation(self, name: str, event: Any) -> None:
        step = self.steps.get(name)
        materialization = getattr(event.event_specific_data, "materialization", None)
        if step is None or materialization is None:
            return
        metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
        if "gated" in metadata:  # the gate is one set-based pass: its count is known when it ends
            step.done = step.total = int(metadata["gated"])
            step.unit = "submissions gated"
        elif "rejected" in metadata and "loaded" in metadata:
            step.note = f"{metadata['loaded']} loaded, {metadata['rejected']} rejected"

    # -- display ---------------------------------------------------------------------------------------------------
    def start(self, name: str) -> None:
        step = _Step(name, time.monotonic())
        if name == DBT_STEP:
            step.unit, step.total = "dbt nodes", dbt_node_count()
        self.steps[name] = step
        if self.live:
            if self.bar is None:
                self.bar = Progress(
                    SpinnerColumn(finished_text="✓"),
                    TextColumn("{task.description}", table_column=_column(32)),
                    BarColumn(bar_width=12),
                    MofNCompleteColumn(table_column=_column(None)),
                    TextColumn("{task.fields[unit]}", table_column=_column(18)),
                    TimeElapsedColumn(),
                    console=Console(file=sys.stderr),
                )
                self.bar.start()
            step.task = self.bar.add_task(name, total=step.total, unit=step.unit)

    def update(self, name: str, done: int, total: int | None, unit: str | None = None) -> None:
        step = self.steps.get(name)
        if step is None:
            return
        step.done, step.total = done, total
        if unit is not None:
            step.unit = unit
        if self.bar is not None and step.task is not None:
            self.bar.update(step.task, completed=done, total=total, unit=step.unit)
        elif not self.live and time.monotonic() - max(step.started, step.last_plain) >= PLAIN_EVERY:
            step.last_plain = time.monotonic()
            self.say(f"  … {name}: {step.counts()} ({time.monotonic() - step.started:.0f}s)")

    def finish(self, name: str, ok: bool) -> None:
        step = self.steps.get(name)
        if step is None:
            return
        elapsed = time.monotonic() - step.started
        if self.bar is not None and step.task is not None:
            total = step.total if step.total is not None else max(step.done, 1)
            completed = total if ok else step.done
            description = name if ok else f"[red]✗ {name}[/red]"
            self.bar.update(step.task, total=total, completed=completed, description=description, unit=step.unit)
            self.bar.stop_task(step.task)
            return
        detail = ", ".join(part for part in (step.counts(), step.note) if part)
        mark = "✓" if ok else "✗"
        self.say(f"  {mark} {name}{': ' + detail if detail else ''} ({elapsed:.1f}s){'' if ok else ' failed'}")

    def say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _column(max_width: int | None) -> Column:
    return Column(no_wrap=True, overflow="ellipsis", max_width=max_width)


_active: _Display | None = None  # the display of the run executing in this process (journeys run), if any


def step_progress(context: AssetExecutionContext, unit: str) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback for a long step: it moves the live display of ``journeys run``, or
    (no display in this process) logs ``<done>/<total> <unit>`` to the step's log every ``LOG_EVERY`` seconds."""
    name = context.op_execution_context.get_step_execution_context().step.key if _active is not None else ""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if _active is not None:
            _active.update(name, done, total, unit)
            return
        now = time.monotonic()
        if done == total or now - last[0] >= LOG_EVERY:
            last[0] = now
            context.log.info(f"{done}/{total} {unit}")

    return progress


@logger(description="Live progress of journeys run: rich on a terminal, plain lines otherwise.")
def journeys_progress(_: InitLoggerContext) -> logging.Logger:
    global _active
    log = logging.getLogger("journeys.progress")
    log.setLevel(logging.DEBUG)
    if _active is not None:
        _active.close()
    _active = _Display(live=sys.stderr.isatty())
    log.handlers = [_active]
    log.propagate = False
    return log


def run_config(journeys: dict[str, Any]) -> dict[str, Any]:
    """The run config of ``journeys run``: the progress logger and the journeys resource's config."""
    return {"loggers": {"journeys_progress": {}}, "resources": {"journeys": {"config": journeys}}}
