"""The GX-on-DuckDB fix (orchestration/gate/gx_duckdb.py): real GX, real DuckDB, SQL run inside DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import pytest

from orchestration.gate.gx_duckdb import DuckDBExecutionEngine, counting, gx_session


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("create schema marts")
    con.execute(
        "create table marts.rates as select range as id, range / 10 as rate, "
        "case when range % 4 = 0 then null else 'x' end as v from range(10)"
    )
    return con


def test_stock_gx_sql_engine_resolves_no_metric_on_duckdb(tmp_path: Path) -> None:
    """Why the fix exists (upstream issue #11579): the stock engine closes the connection before fetching."""
    path = tmp_path / "stock.duckdb"
    with duckdb.connect(str(path)) as setup:
        setup.execute("create table t as select range as id from range(5)")
    context = gx.get_context(mode="ephemeral")
    datasource = context.data_sources.add_sql("stock", connection_string=f"duckdb:///{path}")
    batch = datasource.add_table_asset("t", table_name="t").add_batch_definition_whole_table("all").get_batch()
    result = batch.validate(gx.expectations.ExpectTableRowCountToEqual(value=5))
    assert not result.success
    assert "list index out of range" in str(result.exception_info)
    datasource.get_execution_engine().close()


def test_fixed_engine_passes_and_fails_unexpected_rows_expectations(con: duckdb.DuckDBPyConnection) -> None:
    with gx_session(con, "marts") as session:
        batch = session.batch("rates")
        assert isinstance(batch.data.execution_engine, DuckDBExecutionEngine)
        must_pass = batch.validate(
            gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query="select id from {batch} where rate > 1")
        )
        must_fail = batch.validate(
            gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query="select id from {batch} where v is null")
        )
    assert must_pass.success and must_pass.result["observed_value"] == 0
    assert not must_fail.success and must_fail.result["observed_value"] == 3
    assert not must_pass.exception_info.get("raised_exception") and not must_fail.exception_info.get("raised_exception")


def test_fixed_engine_passes_and_fails_column_expectations_on_a_schema_table(con: duckdb.DuckDBPyConnection) -> None:
    """Column metrics need reflection; the session's search path makes GX's fallback find ``marts.rates``."""
    with gx_session(con, "marts") as session:
        batch = session.batch("rates")
        row_count = batch.validate(gx.expectations.ExpectTableRowCountToEqual(value=10))
        in_range = batch.validate(
            gx.expectations.ExpectColumnValuesToBeBetween(column="rate", min_value=0, max_value=1)
        )
        too_high = batch.validate(
            gx.expectations.ExpectColumnValuesToBeBetween(column="rate", min_value=0, max_value=0.5)
        )
    assert row_count.success and row_count.result["observed_value"] == 10
    assert in_range.success and in_range.result["unexpected_count"] == 0
    assert not too_high.success and too_high.result["unexpected_count"] == 4


def test_a_failing_query_does_not_poison_the_rest_of_the_validation(con: duckdb.DuckDBPyConnection) -> None:
    suite = [
        {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "select nope from {batch}"},
         "meta": {"rule": "broken"}},
        {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "select id from {batch}"},
         "meta": {"rule": "all_rows"}},
    ]  # fmt: skip
    with gx_session(con, "marts") as session:
        results = session.validate("rates", "probe", suite)
    assert results["broken"].exception_info and not results["broken"].success
    assert results["all_rows"].result["observed_value"] == 10


def test_sessions_leave_nothing_behind(con: duckdb.DuckDBPyConnection) -> None:
    with gx_session(con, "marts") as session:
        name = session.datasource.name
        session.batch("rates")
    assert name not in session.context.data_sources.all()
    assert con.execute("select count(*) from marts.rates").fetchall() == [(10,)]


def test_the_counting_variant_agrees_with_the_standard_expectation(con: duckdb.DuckDBPyConnection) -> None:
    standard = [
        {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": query}, "meta": {"rule": rule}}
        for rule, query in (("none", "select id from {batch} where rate > 1"), ("three", "select id from {batch} "
                            "where v is null"))
    ]  # fmt: skip
    with gx_session(con, "marts") as session:
        counted = session.validate("rates", "counting", standard)  # runs them as UnexpectedRowsCount
        stock = {e["meta"]["rule"]: session.batch("rates").validate(gx.ExpectationSuite(name="s", expectations=[e]))
                 for e in standard}  # fmt: skip
    assert counting(standard[0])["type"] == "unexpected_rows_count"
    assert counted["none"].expectation_config.type == "unexpected_rows_count"
    for rule, observed in (("none", 0), ("three", 3)):
        assert counted[rule].success == stock[rule].success == (observed == 0)
        assert counted[rule].result["observed_value"] == stock[rule].results[0].result["observed_value"] == observed
