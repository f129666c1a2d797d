"""Great Expectations 1.x on DuckDB: the fix for empty metric results, and a GX session bound to our connection.

The trap (upstream great_expectations issue #11579)
---------------------------------------------------
With duckdb-engine, GX's SQL validation resolves no metric at all: ``resolve_metric_bundle`` fails with
``IndexError: list index out of range`` and every expectation "fails" with an empty result. The cause is in how
GX fetches results, not in the SQL:

* ``SqlAlchemyExecutionEngine.execute_query`` runs the query inside ``with self.get_connection() as connection``
  and returns the *unconsumed* ``CursorResult``; the caller calls ``fetchall()``/``fetchone()`` only after the
  ``with`` block has closed the connection. For every dialect not listed in GX's
  ``_PERSISTED_CONNECTION_DIALECTS`` (SQLite, SQL Server, BigQuery, Databricks) that means a fresh connection per
  query, closed before the rows are read.
* Closing a SQLAlchemy 2 connection ends its auto-begun transaction: a ``ROLLBACK`` on the DBAPI connection.
* Drivers such as psycopg2 buffer the whole result client-side at execute time, so the rows survive that. In
  duckdb-engine the "cursor" is the DuckDB connection itself, which holds exactly one pending result: the
  ``ROLLBACK`` replaces it, and the late ``fetchall()`` returns ``[]``.

The fix (small, no patching of GX's modules)
--------------------------------------------
:class:`DuckDBExecutionEngine` subclasses GX's ``SqlAlchemyExecutionEngine`` and overrides only
``get_connection``: like GX already does for SQLite, it keeps one connection open for the engine's lifetime, so no
``ROLLBACK`` runs between a query and the fetch of its rows. ``close`` ends that connection. The connection's one
transaction also gives a whole validation run a single consistent snapshot. :class:`DuckDBGateDatasource` is a
GX ``SQLDatasource`` whose execution engine is that subclass (GX registers it as datasource type
``journeys_duckdb``).

:func:`gx_session` binds the datasource to the caller's DuckDB database via SQLAlchemy's ``creator``: each GX
connection is a ``cursor()`` of the caller's connection (same database, in-memory or file, no second open of the
file), wrapped in duckdb-engine's ``ConnectionWrapper``. Every query is SQL run inside DuckDB (pushdown); nothing
is pulled into pandas. A cursor sees committed data only: commit before validating.

Requires ``duckdb-engine`` (pinned 0.17.0).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import great_expectations as gx
from duckdb_engine import ConnectionWrapper
from great_expectations.datasource.fluent import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine

if TYPE_CHECKING:
    import sqlalchemy
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.datasource.fluent.interfaces import Batch

_DATASOURCE_TYPE = "journeys_duckdb"


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """GX's SQL engine with one persisted connection, so results are fetched before any ROLLBACK (see module doc)."""

    @contextmanager
    def get_connection(self) -> Iterator[sqlalchemy.Connection]:
        if self._connection is None:
            self._connection = self.engine.connect()
        yield self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.engine.dispose()


class DuckDBGateDatasource(SQLDatasource):
    """A GX SQL datasource that validates with :class:`DuckDBExecutionEngine`."""

    type: Literal["journeys_duckdb"] = "journeys_duckdb"  # type: ignore[assignment]

    @property
    def execution_engine_type(self) -> type[SqlAlchemyExecutionEngine]:
        return DuckDBExecutionEngine


_context: AbstractDataContext | None = None


def _gx_context() -> AbstractDataContext:
    """One ephemeral (in-memory, nothing written to disk) GX context per process."""
    global _context
    if _context is None:
        _context = gx.get_context(mode="ephemeral")
    return _context


def _creator(con: duckdb.DuckDBPyConnection) -> Callable[[], ConnectionWrapper]:
    return lambda: ConnectionWrapper(con.cursor())


@dataclass
class GXSession:
    """A GX datasource over the caller's DuckDB database; batches are tables or views in that database."""

    context: AbstractDataContext
    datasource: DuckDBGateDatasource

    def table_batch(self, schema: str, table: str) -> Batch:
        """The whole table (or view) ``schema.table`` as one GX batch; ``{batch}`` in a query becomes its name."""
        asset = self.datasource.add_table_asset(name=f"{schema}.{table}", table_name=table, schema_name=schema)
        return asset.add_batch_definition_whole_table("whole").get_batch()


@contextmanager
def gx_session(con: duckdb.DuckDBPyConnection) -> Iterator[GXSession]:
    """A GX datasource for this connection's database, removed (and its connections closed) on exit."""
    context = _gx_context()
    name = f"journeys_{uuid.uuid4().hex}"
    add: Callable[..., Any] = getattr(context.data_sources, f"add_{_DATASOURCE_TYPE}")
    datasource: DuckDBGateDatasource = add(
        name=name, connection_string="duckdb:///:memory:", kwargs={"creator": _creator(con)}
    )
    try:
        yield GXSession(context=context, datasource=datasource)
    finally:
        engine = datasource.execution_engine
        if engine is not None:
            engine.close()
        datasource.get_engine().dispose()
        context.data_sources.delete(name)
