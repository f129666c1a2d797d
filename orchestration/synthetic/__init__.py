"""Synthetic provider submissions: ``generate(out_dir, clients, providers, start, end, seed, error_rate)``.

Writes ``out_dir/<AGNCY>/<AGNCY>_<YYYY-MM>.csv`` (one file per provider per reporting month, ``start`` to ``end``
inclusive) in exactly the submission format (``submission-format.md``), plus the ground-truth fault manifest
``out_dir/_generator/faults.csv`` (always written; header only when ``error_rate`` is 0). Nothing else is written;
files of this run are overwritten, any other file in ``out_dir`` is left alone.

Design (true histories shown month by month, streaming, determinism, faults): ``docs/synthetic-data.md``.
"""

from orchestration.synthetic.fault_kinds import FAULT_KINDS
from orchestration.synthetic.generator import generate
from orchestration.synthetic.summary import GenerateSummary

__all__ = ["FAULT_KINDS", "GenerateSummary", "generate"]
