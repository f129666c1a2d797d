"""Importing Great Expectations without ``scipy.stats`` and ``altair``, which it loads only for an expectation no
gate suite uses: placeholders that import the real module on first use. Why and what it saves:
``docs/gx-on-duckdb.md``; the proof: ``tests/test_gate_gx_import.py``.
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
