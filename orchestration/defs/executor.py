"""How Dagster-launched runs (the UI, the sensor, the schedule, ``dagster job execute``) start their steps.

Dagster's multiprocess executor starts every step in a fresh interpreter by default (``spawn``), and each one
imports Dagster and this project's definitions (~4.5 s on 2 cores) before doing anything; the gate and the serving
step then import Great Expectations too (~2.5 s). A pipeline run has six steps, two of them asset checks that
take 0.1 s of work. With ``forkserver``, one server process per run imports all of that once and every step is
forked from it. ``journeys run`` executes in one process and does not use this executor.
"""

from __future__ import annotations

import dagster as dg

PRELOADED = ["orchestration.definitions", "orchestration.gate.gx_duckdb"]

journeys_executor = dg.multiprocess_executor.configured(
    {"start_method": {"forkserver": {"preload_modules": PRELOADED}}}, name="journeys_multiprocess"
)
