"""Importing Great Expectations without the packages it loads only for expectations the gate never runs.

GX's package import loads every core expectation class. One of them, ``expect_column_kl_divergence_to_be_less_than``,
imports ``scipy.stats`` and ``altair`` at module level, for its statistics and its charts: about 1.2 s of CPU of
the ~4 s GX import, paid by every process that gates (a run's gate step, ``journeys validate``). No gate suite
uses that expectation. :func:`defer_unused_dependencies` registers those two modules as placeholders that import
the real module on their first attribute access, so they cost nothing unless something uses them, and behave the
same when it does. Measured in ``docs/gx-on-duckdb.md``; the proof: ``tests/test_gate_gx_import.py``.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types

DEFERRED = ("scipy.stats", "altair")


class _Deferred(types.ModuleType):
    """A placeholder in ``sys.modules``: the real module is imported on the first attribute access."""

    def __getattr__(self, attribute: str) -> object:
        return getattr(_real(self), attribute)


def _real(placeholder: _Deferred) -> types.ModuleType:
    """The real module behind ``placeholder``, imported now if it has not been yet."""
    name = placeholder.__name__
    if sys.modules.get(name) is placeholder:
        sys.modules.pop(name, None)
    return importlib.import_module(name)


def _spec(name: str) -> importlib.machinery.ModuleSpec | None:
    try:
        return importlib.util.find_spec(name)
    except ModuleNotFoundError:  # the parent package is missing
        return None


def defer_unused_dependencies(names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Put placeholders for ``names`` not imported yet (and installed) in ``sys.modules``; returns those deferred.

    A placeholder carries the real module's spec, so ``importlib.util.find_spec`` answers for it as for the module.
    """
    deferred = []
    for name in names:
        spec = None if name in sys.modules else _spec(name)
        if spec is not None:
            placeholder = _Deferred(name)
            placeholder.__spec__ = spec
            sys.modules[name] = placeholder
            deferred.append(name)
    return deferred


def is_deferred(name: str) -> bool:
    """True while ``name`` is still a placeholder (its real module not imported)."""
    return isinstance(sys.modules.get(name), _Deferred)
