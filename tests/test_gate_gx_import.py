"""GX imported without scipy.stats and altair (orchestration/gate/gx_import.py), and both still work when used.

Each check runs in a fresh interpreter: the test process may have imported either module already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _in_fresh_python(code: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_gx_loads_without_scipy_stats_and_altair() -> None:
    """Neither package is loaded by GX's import; ``find_spec`` still answers for them (and loads nothing)."""
    found = _in_fresh_python(
        "import importlib.util, json, sys\n"
        "import orchestration.gate.gx_duckdb\n"
        "from orchestration.gate.gx_import import is_deferred\n"
        "specs = [importlib.util.find_spec(name).name for name in ('scipy.stats', 'altair')]\n"
        "print(json.dumps({'gx': 'great_expectations' in sys.modules, 'specs': specs,\n"
        "    'deferred': [is_deferred('scipy.stats'), is_deferred('altair')],\n"
        "    'loaded': [m for m in sys.modules if m.startswith(('scipy.stats.', 'altair.'))]}))\n"
    )
    assert found == {"gx": True, "specs": ["scipy.stats", "altair"], "deferred": [True, True], "loaded": []}


def test_deferred_modules_work_when_used() -> None:
    """GX's own references (the kl-divergence expectation's ``stats`` and ``alt``) reach the real modules."""
    found = _in_fresh_python(
        "import json, sys\n"
        "import orchestration.gate.gx_duckdb\n"
        "from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl\n"
        "from orchestration.gate.gx_import import is_deferred\n"
        "entropy = float(kl.stats.entropy([0.5, 0.5], [0.25, 0.75]))\n"
        "from scipy.stats import norm\n"
        "import scipy.stats.distributions\n"
        "chart = type(kl.alt.Chart()).__name__\n"
        "print(json.dumps({'entropy': round(entropy, 6), 'norm': round(float(norm.cdf(0)), 3), 'chart': chart,\n"
        "    'deferred': [is_deferred('scipy.stats'), is_deferred('altair')],\n"
        "    'real': type(sys.modules['scipy.stats']).__name__}))\n"
    )
    assert found == {"entropy": 0.143841, "norm": 0.5, "chart": "Chart", "deferred": [False, False], "real": "module"}


def test_modules_already_imported_are_left_alone() -> None:
    found = _in_fresh_python(
        "import json, sys\n"
        "import scipy.stats\n"
        "real = sys.modules['scipy.stats']\n"
        "from orchestration.gate.gx_import import defer_unused_dependencies\n"
        "print(json.dumps({'deferred': defer_unused_dependencies(), 'same': sys.modules['scipy.stats'] is real}))\n"
    )
    assert found == {"deferred": ["altair"], "same": True}
