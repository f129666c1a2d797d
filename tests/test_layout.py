"""The package layout the README's map promises: domain packages run without Dagster, one name per module, and the
synthetic generator stays apart from the runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "orchestration"

# Everything that is not Dagster wiring: importable (every submodule) without importing dagster.
DOMAIN = [
    "orchestration.ingest",
    "orchestration.gate",
    "orchestration.publication",
    "orchestration.synthetic",
    "orchestration.warehouse",
    "orchestration.serving",
    "orchestration.serving_docs",
    "orchestration.export_parquet",
    "orchestration.publish",
    "orchestration.pseudonymise",
    "orchestration.preflight",
    "orchestration.settings",
]

_IMPORT_ALL = """
import importlib, pkgutil, sys
root = importlib.import_module({name!r})
for info in pkgutil.walk_packages(getattr(root, '__path__', []), root.__name__ + '.'):
    importlib.import_module(info.name)
    if 'dagster' in sys.modules:
        sys.exit(f'importing {{info.name}} imported dagster')
if 'dagster' in sys.modules:
    sys.exit('importing {name} imported dagster')
"""


@pytest.mark.parametrize("name", DOMAIN)
def test_domain_package_imports_without_dagster(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL.format(name=name)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (
        f"{done.stderr.strip()}\nDomain code must not import dagster: move the Dagster part to orchestration/defs/."
    )


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_two_modules_share_a_name() -> None:
    names = Counter(p.stem for p in _modules() if p.stem != "__init__")
    repeated = {name: [str(p.relative_to(PACKAGE)) for p in _modules() if p.stem == name] for name, n in names.items()}
    assert not {k: v for k, v in repeated.items() if names[k] > 1}, "rename so each module name says what it does"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_runtime_never_imports_the_synthetic_generator() -> None:
    """``orchestration/synthetic/`` is the demo and test data generator: only the CLI's ``generate`` command uses it."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if "synthetic" not in path.relative_to(PACKAGE).parts and path.name != "cli.py"
        if any(name.split(".")[:2] == ["orchestration", "synthetic"] for name in _imports(path))
    ]
    assert not offenders, f"runtime modules import the generator: {offenders}"
