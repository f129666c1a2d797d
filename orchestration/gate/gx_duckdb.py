"""Great Expectations 1.x on DuckDB: the fix for empty metric results, and a GX session bound to our connection.

GX's SQL validation returns empty metric results on duckdb-engine (upstream great_expectations#11579): the
engine here keeps one connection for its lifetime so rows are fetched before any ROLLBACK. Why and how, and the
other traps: ``docs/gx-on-duckdb.md``.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import duckdb
from duckdb_engine import ConnectionWrapper

from orchestration.gate.gx_import import defer_unused_dependencies

defer_unused_dependencies()  # before GX's first import: see gx_import

import great_expectations as gx  # noqa: E402
from great_expectations.datasource.fluent import SQLDatasource  # noqa: E402
from great_expectations.execution_engine import SqlAlchemyExecutionEngine  # noqa: E402
from great_expectations.expectations import UnexpectedRowsExpectation  # noqa: E402

if TYPE_CHECKING:
    import sqlalchemy
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.datasource.fluent.interfaces import Batch

_DATASOURCE_TYPE = "journeys_duckdb"


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """GX's SQL engine with one persisted connection, so results are fetched before any ROLLBACK (see module doc)."""

    @contextmanager
    def get_connection(self) -> Iterator[sqlalchemy.Connection]:
        """The one SQLAlchemy connection over the gate's DuckDB connection, opened on first use."""
        if self._connection is None:
            self._connection = self.engine.connect()
        try:
            yield self._connection
        except Exception:
            # A failed query aborts DuckDB's transaction; end it so the next metric runs in a fresh one.
            self._connection.rollback()
            raise

    def close(self) -> None:
        """Close the SQLAlchemy connection (the DuckDB connection stays the caller's)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.engine.dispose()


class DuckDBGateDatasource(SQLDatasource):
    """A GX SQL datasource that validates with :class:`DuckDBExecutionEngine`."""

    type: Literal["journeys_duckdb"] = "journeys_duckdb"  # type: ignore[assignment]

    @property
    def execution_engine_type(self) -> type[SqlAlchemyExecutionEngine]:
        """The execution engine GX builds for this datasource."""
        return DuckDBExecutionEngine


class UnexpectedRowsCount(UnexpectedRowsExpectation):
    """An ``UnexpectedRowsExpectation`` that only counts the unexpected rows (GX type ``unexpected_rows_count``)."""

    metric_dependencies: ClassVar[tuple[str, ...]] = ("unexpected_rows_query.row_count",)

    def _validate(
        self, metrics: dict[str, Any], runtime_configuration: dict[str, Any] | None = None, execution_engine: Any = None
    ) -> dict[str, Any]:
        count = metrics["unexpected_rows_query.row_count"]
        return {"success": count == 0, "result": {"observed_value": count}}


_STANDARD_TYPE = "unexpected_rows_expectation"
_COUNTING_TYPE = "unexpected_rows_count"


def counting(expectation: dict[str, Any]) -> dict[str, Any]:
    """A suite file's expectation, with an unexpected-rows expectation run as :class:`UnexpectedRowsCount`."""
    return {**expectation, "type": _COUNTING_TYPE} if expectation.get("type") == _STANDARD_TYPE else dict(expectation)


_context: AbstractDataContext | None = None


def _gx_context() -> AbstractDataContext:
    """One ephemeral (in-memory, nothing written to disk) GX context per process, without progress bars."""
    global _context
    if _context is None:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _context = gx.get_context(mode="ephemeral")
        _context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return _context


def _creator(con: duckdb.DuckDBPyConnection, schema: str) -> Callable[[], ConnectionWrapper]:
    """GX's connections: cursors of the caller's connection, resolving unqualified names in ``schema`` first.

    The search path is the second half of the fix: duckdb-engine's PostgreSQL-style inspector cannot reflect
    columns on DuckDB 2.0 (its query needs ``pg_catalog.pg_collation``), and GX's fallback then reads
    ``SELECT * FROM <table> LIMIT 1`` without the schema. With ``schema`` first on the search path that finds the
    right table, so column expectations (between, pair, unique, ...) work on schema-qualified tables.
    """

    def connect() -> ConnectionWrapper:
        cursor = con.cursor()
        cursor.execute(f"set search_path = '{schema},main'")
        cursor.execute("set enable_progress_bar = false")
        return ConnectionWrapper(cursor)

    return connect


@dataclass
class GXSession:
    """A GX datasource over the caller's DuckDB database; batches are tables or views of one schema."""

    context: AbstractDataContext
    datasource: DuckDBGateDatasource
    schema: str
    _batches: dict[str, Batch] = field(default_factory=dict)

    def batch(self, table: str) -> Batch:
        """The whole table (or view) as one GX batch.

        In an ``unexpected_rows_query`` GX substitutes ``{batch}`` with ``(SELECT * FROM schema.table WHERE true)``,
        aliased ``AS subselect`` unless the query has a JOIN (then the query aliases it itself).
        """
        if table not in self._batches:
            # GX 1.x deprecates schema_name (the schema should come from the connection); the search path does
            # that too, but naming the schema keeps the batch's own query (SELECT * FROM schema.table) explicit.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="`schema_name` is deprecated", category=DeprecationWarning)
                asset = self.datasource.add_table_asset(name=table, table_name=table, schema_name=self.schema)
            self._batches[table] = asset.add_batch_definition_whole_table("whole").get_batch()
        return self._batches[table]

    def validate(self, table: str, suite_name: str, expectations: list[dict[str, Any]]) -> dict[str, Any]:
        """Validate expectations (as serialised in a suite file) on one table: GX results by ``meta.rule``."""
        suite = gx.ExpectationSuite(name=suite_name, expectations=[counting(e) for e in expectations])
        result = self.batch(table).validate(suite, result_format="BASIC")
        return {r.expectation_config.meta["rule"]: r for r in result.results}


@contextmanager
def gx_session(con: duckdb.DuckDBPyConnection, schema: str) -> Iterator[GXSession]:
    """A GX datasource over this connection's database, removed (and its connections closed) on exit."""
    context = _gx_context()
    name = f"journeys_{uuid.uuid4().hex}"
    add: Callable[..., Any] = getattr(context.data_sources, f"add_{_DATASOURCE_TYPE}")
    # The URL only selects the dialect: every connection comes from ``creator``.
    datasource: DuckDBGateDatasource = add(
        name=name, connection_string="duckdb:///:memory:", kwargs={"creator": _creator(con, schema)}
    )
    try:
        yield GXSession(context=context, datasource=datasource, schema=schema)
    finally:
        engine = datasource.execution_engine
        if engine is not None:
            engine.close()
        datasource.get_engine().dispose()
        context.data_sources.delete(name)
