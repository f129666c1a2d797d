"""``make dev``: ``dagster dev`` on this project's definitions, stopping on Ctrl-C (SIGINT) and SIGTERM.

Why a launcher: ``dagster dev`` makes SIGTERM do whatever SIGINT does (``setup_interrupt_handlers``). A process
started with SIGINT ignored -- a job put in the background by a non-interactive shell (``make dev &`` in a script),
``nohup``, some supervisors and IDE runners -- therefore ignored both signals and could only be killed with
SIGKILL, leaving its webserver, daemon and code-server processes behind. Python cannot undo an ignored SIGINT
before its own start-up, so this module restores the default dispositions and then ``exec``s ``dagster dev``
(same process id: a signal sent to the pid ``make dev`` started reaches Dagster itself).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def dagster_dev_argv(extra: list[str]) -> list[str]:
    """The ``dagster dev`` command line for this project's definitions."""
    dagster = str(Path(sys.executable).parent / "dagster")
    return [dagster, "dev", "-m", "orchestration.definitions", *extra]


def main(argv: list[str] | None = None) -> None:
    """``make dev``: replace this process with ``dagster dev`` (so Ctrl-C reaches it directly)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)  # inherited across exec; Python then installs KeyboardInterrupt
    args = dagster_dev_argv(sys.argv[1:] if argv is None else argv)
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
