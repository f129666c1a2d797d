"""A dbt invocation that Ctrl-C / SIGTERM stop within seconds, whatever dbt is doing.

dagster-dbt reads dbt's stdout on the step's thread and relies on Dagster's signal handler raising there. A
handler that raises can land in a garbage-collection callback, where Python prints "Exception ignored" and drops
the exception: the interrupt is lost and the run goes on to the end. That happened whenever the signal came while
dagster-dbt was starting dbt (it loads the manifest, seconds of object churn). So here the handlers only note
the signal: while dagster-dbt starts dbt, and while the step waits for dbt's next event, which a helper thread
reads. The note is checked after the start and every ``POLL_SECONDS`` of the wait, together with a wakeup file
descriptor that records every signal, so one lost in the moments Dagster's own handler is in place is seen too.

Dagster raises a signal that came while it was logging an event before it resumes the step, so the step's own
cleanup may never run: :func:`stop_running_dbt` (called when the run returns, and at exit) stops any dbt this
process started that is still running.

On an interrupt, or any error, dbt gets SIGINT (it cancels its queries) and is killed if it is still there after
``DBT_STOP_SECONDS``, so no orphaned dbt keeps the warehouse file open; DuckDB rolls back the unfinished
transaction on the next open.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import signal
import subprocess
import threading
import weakref
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster_dbt import DbtCliInvocation, DbtCliResource

DBT_STOP_SECONDS = 8  # how long dbt may take to stop after the signal before it is killed (dagster-dbt waits 25 s)
POLL_SECONDS = 0.2  # how often a waiting step looks at the noted signals

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# by pid: the dbt processes this process started and has not seen end, with their reader threads
_running: dict[int, tuple[DbtCliInvocation, threading.Thread]] = {}
_unfinished: weakref.WeakSet[Generator[Any, None, None]] = weakref.WeakSet()  # dbt_events not run to the end


def dbt_events(
    dbt: DbtCliResource, args: list[str], context: dg.AssetExecutionContext, target_path: Path
) -> Iterator[Any]:
    """``dbt <args>``'s Dagster events, as ``dbt.cli(...).stream()`` yields them, interruptible at any point."""
    generator = _events(dbt, args, context, target_path)
    _unfinished.add(generator)
    return generator


def _events(
    dbt: DbtCliResource, args: list[str], context: dg.AssetExecutionContext, target_path: Path
) -> Iterator[Any]:
    with _signal_trail() as trail:
        with _signals_noted() as signalled:  # starting dbt cannot be cut short: it would leave dbt unwatched
            invocation = dbt.cli(args, context=context, target_path=target_path)
        invocation.termination_timeout_seconds = DBT_STOP_SECONDS
        events: queue.Queue[tuple[bool, Any]] = queue.Queue()
        reader = threading.Thread(target=_pump, args=(invocation, events), name="dbt-events", daemon=True)
        reader.start()
        _running[invocation.process.pid] = (invocation, reader)
        try:
            if signalled:
                raise DagsterExecutionInterruptedError("interrupted while dbt was starting")
            while True:
                is_event, value = _next_event(events, trail)
                if not is_event:
                    if value is not None:
                        raise value
                    return
                yield value  # while Dagster logs it, its own handler is back (and raises here if it was signalled)
        except BaseException:
            _stop_dbt(invocation, reader)
            raise
        finally:
            _running.pop(invocation.process.pid, None)


@atexit.register
def stop_running_dbt() -> None:
    """Stop every dbt subprocess this process started that is still running."""
    for events in list(_unfinished):  # left suspended by Dagster: closing runs their cleanup, which stops dbt
        events.close()
    for pid, (invocation, reader) in list(_running.items()):
        _stop_dbt(invocation, reader)
        _running.pop(pid, None)


def _pump(invocation: DbtCliInvocation, events: queue.Queue[tuple[bool, Any]]) -> None:
    """On the helper thread: each event as ``(True, event)``, then ``(False, None)`` or ``(False, error)``."""
    try:
        for event in invocation.stream():
            events.put((True, event))
        events.put((False, None))
    except BaseException as exc:  # handed to the step's thread, which raises it
        events.put((False, exc))


def _next_event(events: queue.Queue[tuple[bool, Any]], trail: Callable[[], bool]) -> tuple[bool, Any]:
    """The reader thread's next item; Dagster's interrupt error if SIGINT / SIGTERM came meanwhile, or came and
    was lost since the last look (``trail``)."""
    with _signals_noted() as signalled:
        while not signalled and not trail():
            with contextlib.suppress(queue.Empty):
                return events.get(timeout=POLL_SECONDS)
    raise DagsterExecutionInterruptedError("interrupted during the dbt step")


@contextlib.contextmanager
def _signals_noted() -> Iterator[list[int]]:
    """SIGINT and SIGTERM only append to the yielded list (handlers can only be set on the main thread, where
    Dagster runs an in-process step; elsewhere nothing changes)."""
    signalled: list[int] = []
    on_main = threading.current_thread() is threading.main_thread()
    handlers = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS} if on_main else {}
    for signum in handlers:
        signal.signal(signum, lambda signum, _frame: signalled.append(signum))
    try:
        yield signalled
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _signal_trail() -> Iterator[Callable[[], bool]]:
    """A check for SIGINT / SIGTERM having arrived, whatever became of its handler: Python writes each signal's
    number to a wakeup file descriptor before any handler runs (``signal.set_wakeup_fd``). It catches a signal
    whose handler raised where Python swallows exceptions, in the moments Dagster's own handler is in place."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def arrived() -> bool:
        try:
            return any(signum in _STOP_SIGNALS for signum in os.read(read_end, 512))
        except BlockingIOError:
            return False

    try:
        yield arrived
    finally:
        with contextlib.suppress(ValueError):  # a generator closed off the main thread leaves it to exit
            signal.set_wakeup_fd(previous)
        os.close(read_end)
        os.close(write_end)


def _stop_dbt(invocation: DbtCliInvocation, reader: threading.Thread) -> None:
    """SIGINT to dbt (it cancels its queries and exits), kill it if it is still there after the grace time, and
    let the reader thread see the end of its output. A second Ctrl-C / SIGTERM meanwhile is held back until dbt is
    gone (it would otherwise cut this short and leave dbt holding the warehouse file)."""
    process = invocation.process
    held = signal.pthread_sigmask(signal.SIG_BLOCK, set(_STOP_SIGNALS))
    try:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=DBT_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(timeout=DBT_STOP_SECONDS)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
