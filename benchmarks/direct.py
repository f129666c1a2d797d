"""dbt's compiled SQL executed directly in one DuckDB process: the baseline of the dbt stage.

:func:`plan` turns a ``dbt compile`` manifest into statements, in dependency order: every seed as
``create or replace table <relation> as select * from read_csv(<csv>, header = true, types = <column_types>)``,
every model as ``create or replace table|view <relation> as <compiled_code>``, then every data test as
``select <fail_calc> from (<compiled_code>)`` (what dbt's test materialization counts). :func:`execute` runs them
on a connection that has the client-key macro, as dbt-duckdb's plugin gives every dbt connection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb

_BUILT = ("seed", "model")


@dataclass(frozen=True)
class Statement:
    unique_id: str
    kind: str  # schema / seed / model / test
    sql: str
    relation: str | None = None  # what a seed or model creates


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _seed_sql(node: dict[str, Any]) -> str:
    path = Path(node["root_path"]) / node["original_file_path"]
    types = node["config"].get("column_types") or {}
    options = f", types = {{{', '.join(f'{_quote(k)}: {_quote(v)}' for k, v in types.items())}}}" if types else ""
    delimiter = node["config"].get("delimiter") or ","
    return (
        f"create or replace table {node['relation_name']} as select * from "
        f"read_csv({_quote(str(path.resolve()))}, header = true, delim = {_quote(delimiter)}{options})"
    )


def _model_sql(node: dict[str, Any]) -> str:
    materialized = node["config"]["materialized"]
    if materialized not in ("table", "view"):
        raise ValueError(f"{node['unique_id']}: materialization {materialized!r} is not supported by the baseline")
    return f"create or replace {materialized} {node['relation_name']} as (\n{node['compiled_code']}\n)"


def _test_sql(node: dict[str, Any]) -> str:
    config = node["config"]
    limit = f"\nlimit {int(config['limit'])}" if config.get("limit") is not None else ""
    return f"select {config.get('fail_calc') or 'count(*)'} as failures from (\n{node['compiled_code']}{limit}\n) t"


def plan(manifest_path: Path) -> list[Statement]:
    """Seeds and models in dependency order, then data tests; everything ``dbt build`` would run (no unit tests)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    nodes: dict[str, dict[str, Any]] = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in (*_BUILT, "test") and node["config"].get("enabled", True)
    }
    missing = [uid for uid, node in nodes.items() if node["resource_type"] != "seed" and not node.get("compiled_code")]
    if missing:
        raise ValueError(f"the manifest has no compiled SQL for {missing[:3]}...: run 'dbt compile' first")
    graph = TopologicalSorter(
        {
            uid: [dep for dep in node.get("depends_on", {}).get("nodes", []) if dep in nodes]
            for uid, node in nodes.items()
            if node["resource_type"] in _BUILT
        }
    )
    statements = []
    schemas: dict[str, None] = {}
    for uid in graph.static_order():
        node = nodes[uid]
        schemas[f'"{node["database"]}"."{node["schema"]}"'] = None
        sql = _seed_sql(node) if node["resource_type"] == "seed" else _model_sql(node)
        statements.append(Statement(uid, node["resource_type"], sql, node["relation_name"]))
    creates = [Statement(f"schema {name}", "schema", f"create schema if not exists {name}") for name in schemas]
    tests = [Statement(uid, "test", _test_sql(node)) for uid, node in nodes.items() if node["resource_type"] == "test"]
    return [*creates, *statements, *tests]


def execute(con: duckdb.DuckDBPyConnection, statements: list[Statement]) -> dict[str, int]:
    """Run the plan; counts of seeds, models, tests and of tests that found failing rows."""
    counts = {"schema": 0, "seed": 0, "model": 0, "test": 0, "tests_failing": 0}
    for statement in statements:
        try:
            rows = con.execute(statement.sql).fetchall()
        except duckdb.Error as exc:
            raise RuntimeError(f"{statement.unique_id} failed: {exc}\n{statement.sql[:2000]}") from exc
        counts[statement.kind] += 1
        if statement.kind == "test" and rows and rows[0][0]:
            counts["tests_failing"] += 1
    return counts
