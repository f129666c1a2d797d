"""The analysts' data dictionary: a static dbt docs site beside the serving snapshot (``<serving dir>/docs/``).

``dbt docs generate --static`` runs against the warehouse with the marts selected, so its catalog (the live
database's view: table and column names, types and comments; dbt-duckdb collects no statistics) covers the marts
only. The published ``index.html`` is dbt's own static page (the ``index.html`` template dbt writes into its target
directory, with the manifest and the catalog inlined, as ``--static`` does) built from filtered artifacts:

- the manifest without its unit tests: their fixtures are rows of made-up values in the shape of submission rows
  (initials, dates of birth), which have no place in a dictionary for analysts; models, seeds, sources, macros and
  data tests (names, descriptions, SQL, lineage) stay, since they document how every mart is made;
- the catalog restricted to relations in schema ``marts`` (what the serving database holds).

Neither holds row data. The page is written beside its final name and renamed into place (atomic).

The dictionary changes only with the dbt project, so a run regenerates it only when the project's prepared
manifest (``dbt_project/target/manifest.json``, rewritten by ``make setup`` / ``dagster dev`` whenever a model or
YAML changes) or the package version differ from the ones the page was made from (its first line records them):
no fixed ~20 s dbt invocation on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from orchestration.pseudonymise import pipeline_version
from orchestration.settings import DBT_PROJECT_DIR

DOCS_DIR_NAME = "docs"
_TARGET = DBT_PROJECT_DIR / "target" / "serving_docs"  # fixed: dbt's partial parsing works from the second run


def docs_path(serving: Path) -> Path:
    """Where the dbt docs site of ``serving`` is published."""
    return serving.parent / DOCS_DIR_NAME / "index.html"


def _source_line() -> str | None:
    """The first line of a page made from this project and version (None: no prepared manifest to compare)."""
    prepared = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not prepared.exists():
        return None
    digest = hashlib.sha256(prepared.read_bytes()).hexdigest()
    return f"<!-- journeys data dictionary: dbt manifest sha256 {digest}, journeys {pipeline_version()} -->\n"


def _up_to_date(target: Path, source: str | None) -> bool:
    if source is None or not target.exists():
        return False
    with target.open(encoding="utf-8") as page:
        return page.readline() == source


def publish_docs(warehouse: Path, serving: Path) -> Path:
    """Generate the dictionary from ``warehouse`` and publish it as ``<serving dir>/docs/index.html`` (unless the
    page there was made from the same project and version)."""
    target = docs_path(serving)
    source = _source_line()
    if _up_to_date(target, source):
        return target
    _generate(warehouse)
    manifest = _published_manifest(json.loads((_TARGET / "manifest.json").read_text(encoding="utf-8")))
    catalog = _published_catalog(json.loads((_TARGET / "catalog.json").read_text(encoding="utf-8")))
    page = (_TARGET / "index.html").read_text(encoding="utf-8")  # dbt's template, as --static uses it
    page = page.replace('"MANIFEST.JSON INLINE DATA"', json.dumps(manifest))
    page = (source or "") + page.replace('"CATALOG.JSON INLINE DATA"', json.dumps(catalog))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".index.html.tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _generate(warehouse: Path) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [
        str(dbt), "docs", "generate", "--static", "--select", "marts",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(_TARGET), "--log-path", str(_TARGET / "logs"),
    ]  # fmt: skip
    env = {**os.environ, "JOURNEYS_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(cmd, env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stdout.splitlines() if "error" in line.lower()] or ["(no error line)"]
        raise RuntimeError(
            f"dbt docs generate failed ({lines[0].strip()[:300]}); the serving snapshot itself was published. "
            f"See {_TARGET / 'logs' / 'dbt.log'} and run again"
        )


def _published_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    return {**manifest, "unit_tests": {}}


def _published_catalog(catalog: dict[str, Any]) -> dict[str, Any]:
    nodes = {k: v for k, v in catalog.get("nodes", {}).items() if v.get("metadata", {}).get("schema") == "marts"}
    return {**catalog, "nodes": nodes, "sources": {}}
