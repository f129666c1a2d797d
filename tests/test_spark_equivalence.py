"""The same dbt models on Spark and on DuckDB give the same marts (issue 12).

One module-scoped scenario: a generated sample (a few hundred clients, a year, a small share of faulty rows so
the gate quarantines some) runs ``journeys run`` with the DuckDB engine, then again with ``--engine spark``: a
real local Spark session through dbt-spark's session method, fed by the pseudonymised Parquet export. Every
marts table of the two serving snapshots is compared row for row: keys and counts exactly, rates within 1e-9.
Java 17 and the ``spark`` extra are installed by ``make test``; without them the tests fail saying so.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.assets.serving_assets import MARTS
from orchestration.export_parquet import INSTALL_JAVA, RESTRICTED, require_spark
from orchestration.runner.pipeline import run_pipeline
from orchestration.synthetic import generate

from factories import environ, journeys_places

RATE_TOLERANCE = 1e-9


def differences(left: Path, right: Path) -> list[str]:
    """Every way the marts of two DuckDB files differ: table set, columns and types, then rows. Rows are matched
    on all non-DOUBLE columns (duplicates paired in order); DOUBLE columns may differ by RATE_TOLERANCE."""
    con = duckdb.connect()
    con.execute("attach $p as l (read_only)", {"p": str(left)})
    con.execute("attach $p as r (read_only)", {"p": str(right)})
    sql = (
        "select table_name, list((column_name, data_type) order by column_index) from duckdb_columns() "
        "where database_name = $db and schema_name = 'marts' group by table_name"
    )
    schemas = {db: dict(con.execute(sql, {"db": db}).fetchall()) for db in ("l", "r")}
    found = [f"tables only on one side: {sorted(set(schemas['l']) ^ set(schemas['r']))}"]
    found = found if set(schemas["l"]) != set(schemas["r"]) else []
    for table in sorted(set(schemas["l"]) & set(schemas["r"])):
        columns = schemas["l"][table]
        if columns != schemas["r"][table]:
            found.append(f"{table}: columns differ: {columns} vs {schemas['r'][table]}")
            continue
        rates = [f'"{c}"' for c, t in columns if t == "DOUBLE"]
        # snapshot_info.built_at is when each run's dbt started: it differs between any two runs, whatever the engine
        keys = [f'"{c}"' for c, t in columns if t != "DOUBLE" and (table, c) != ("snapshot_info", "built_at")]
        numbered = (
            f"select *, row_number() over (partition by {', '.join(keys)} order by {', '.join(rates) or 'true'}) "
            f'as _n from {{db}}.marts."{table}"'
        )
        match = " and ".join([f"a.{k} is not distinct from b.{k}" for k in keys] + ["a._n = b._n"])
        off = [f"not coalesce(abs(a.{r} - b.{r}) <= {RATE_TOLERANCE}, a.{r} is null and b.{r} is null)" for r in rates]
        unmatched = con.execute(
            f"with a as ({numbered.format(db='l')}), b as ({numbered.format(db='r')}) "
            f"select count(*) from a full join b on {match} "
            f"where a._n is null or b._n is null {''.join(' or ' + o for o in off)}"
        ).fetchone()[0]  # type: ignore[index]
        if unmatched:
            found.append(f"{table}: {unmatched} rows without an equal row on the other side")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    try:
        require_spark()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    root = tmp_path_factory.mktemp("spark")
    places = journeys_places(root)
    with environ(places):
        generate(places["JOURNEYS_LANDING"], clients=300, providers=4, start="2025-01", end="2025-12", seed=5,
                 error_rate=0.01)  # fmt: skip
        seconds = {}
        for engine in ("duckdb", "spark"):
            started = time.perf_counter()
            outcome = run_pipeline(engine=engine)
            seconds[engine] = time.perf_counter() - started
            assert outcome.success, f"{engine}: {outcome.failure}"
            shutil.copy(places["JOURNEYS_SERVING"], root / f"serving-{engine}.duckdb")
        yield {"root": root, "seconds": seconds, **places}


def test_every_mart_is_the_same_on_spark_as_on_duckdb(built: dict[str, object]) -> None:
    root = built["root"]
    assert isinstance(root, Path)
    duck, spark = root / "serving-duckdb.duckdb", root / "serving-spark.duckdb"
    with duckdb.connect(str(spark), read_only=True) as con:
        tables = {
            r[0] for r in con.sql("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        }
        assert set(MARTS) <= tables
        for table in MARTS:  # not a comparison of empty tables
            assert con.execute(f'select count(*) from marts."{table}"').fetchone()[0] > 0, table  # type: ignore[index]
    assert differences(duck, spark) == []
    print(f"build + publish seconds: {built['seconds']}")  # shown with -s; never asserted


def test_the_comparison_sees_a_changed_rate_and_a_missing_row(built: dict[str, object], tmp_path: Path) -> None:
    root = built["root"]
    assert isinstance(root, Path)
    changed = tmp_path / "changed.duckdb"
    shutil.copy(root / "serving-spark.duckdb", changed)
    with duckdb.connect(str(changed)) as con:
        con.execute(
            "update marts.qs8_measures set rate = rate + 1e-6 where rowid = (select min(rowid) from marts.qs8_measures)"
        )
        con.execute("delete from marts.episodes where rowid = (select min(rowid) from marts.episodes)")
    found = differences(root / "serving-duckdb.duckdb", changed)
    assert [f.split(":")[0] for f in found] == ["episodes", "qs8_measures"]


def test_attributors_and_the_key_stay_in_duckdb(built: dict[str, object]) -> None:
    export = Path(str(built["JOURNEYS_WAREHOUSE"])).parent / "spark" / "export"
    rows = export / "raw" / "submission_rows"
    months = sorted(p.name for p in rows.iterdir())
    assert months == [f"reporting_month=2025-{m:02d}-01" for m in range(1, 13)]
    with duckdb.connect() as con:
        for table in export.glob("*/*"):
            columns = {
                r[0] for r in con.execute(f"describe select * from read_parquet('{table}/**/*.parquet')").fetchall()
            }
            assert not columns & {*RESTRICTED, "offending_values"}, table
        exported = con.execute(f"select count(*), count(client_key) from read_parquet('{rows}/*/*.parquet')").fetchone()
    assert exported[0] > 0 and exported[1] > 0  # type: ignore[index]
    secret = os.environ["JOURNEYS_PSEUDONYM_KEY"].encode()
    assert not any(secret in p.read_bytes() for p in export.rglob("*.parquet"))


def test_without_java_the_spark_engine_fails_saying_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(RuntimeError, match="Java 17") as failure:
        require_spark()
    assert INSTALL_JAVA in str(failure.value)
