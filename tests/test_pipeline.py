"""The whole asset graph through Dagster on generated data: real files, real DuckDB, real dbt, real GX.

One module-scoped scenario keeps CI fast: a sensor tick runs one month's partition, ``journeys run`` then takes
everything, a second run loads nothing, and the serving snapshot and a regional pack are checked along the way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, SkipReason, build_schedule_context, build_sensor_context

from orchestration.defs.automation import landing_sensor, regional_publication_schedule
from orchestration.runner.pipeline import run_pipeline
from orchestration.runner.progress import run_config
from orchestration.serving import FORBIDDEN_COLUMNS
from orchestration.synthetic import generate

MARTS = (
    "episodes", "journeys", "transfers", "retention_3_months", "transfer_outcomes", "qs8_measures",
    "qs8_structure", "nice_concordance", "waiting_times", "successful_completions", "submissions", "data_quality",
)  # fmt: skip


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("pipeline")
    places = {
        "JOURNEYS_LANDING": root / "landing",
        "JOURNEYS_WAREHOUSE": root / "warehouse.duckdb",
        "JOURNEYS_SERVING": root / "serving.duckdb",
        "JOURNEYS_REPORTS": root / "reports",
        "JOURNEYS_PUBLICATIONS": root / "publications",
    }
    saved = {k: os.environ.get(k) for k in places}
    os.environ.update({k: str(v) for k, v in places.items()})
    generate(places["JOURNEYS_LANDING"], clients=300, providers=4, start="2025-01", end="2025-08", seed=3)
    yield places
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute(sql).fetchone()[0])  # type: ignore[index]


def test_sensor_tick_requests_each_month_once_and_its_run_loads_that_month(env: dict[str, Path]) -> None:
    from orchestration.definitions import defs

    with DagsterInstance.ephemeral() as instance:
        result = landing_sensor(build_sensor_context(instance=instance, definitions=defs))
        requests = result.run_requests or []
        assert [r.partition_key for r in requests] == [f"2025-{m:02d}-01" for m in range(1, 9)]
        again = landing_sensor(build_sensor_context(instance=instance, cursor=result.cursor, definitions=defs))
        assert isinstance(again, SkipReason)

        job = defs.resolve_job_def("journeys_pipeline")
        run = job.execute_in_process(
            run_config=run_config({}), instance=instance, partition_key=requests[2].partition_key, raise_on_error=False
        )
        assert run.success
    months = _count(env["JOURNEYS_WAREHOUSE"], "select count(distinct reporting_month) from ingest.submissions")
    assert months == 1
    assert _count(env["JOURNEYS_SERVING"], "select count(*) from marts.journeys") > 0


def test_journeys_run_takes_every_file_and_fills_every_mart(env: dict[str, Path]) -> None:
    outcome = run_pipeline()
    assert outcome.success, outcome.failure
    files = len([p for p in env["JOURNEYS_LANDING"].rglob("*.csv") if "_generator" not in p.parts])
    warehouse, serving = env["JOURNEYS_WAREHOUSE"], env["JOURNEYS_SERVING"]
    assert _count(warehouse, "select count(*) from ingest.submissions where status = 'accepted'") == files
    raw_rows = _count(warehouse, "select count(*) from raw.submission_rows")
    assert raw_rows == _count(warehouse, "select sum(rows_total) from ingest.submissions")
    for table in MARTS:
        assert _count(serving, f"select count(*) from marts.{table}") > 0, table
    assert "no new files" not in outcome.summary


def test_serving_snapshot_holds_marts_only_and_no_restricted_columns(env: dict[str, Path]) -> None:
    with duckdb.connect(str(env["JOURNEYS_SERVING"]), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        columns = {r[0].lower() for r in con.execute("select column_name from duckdb_columns()").fetchall()}
    assert schemas == {"marts"}
    assert not columns & FORBIDDEN_COLUMNS


def test_second_run_loads_nothing_and_says_so(env: dict[str, Path]) -> None:
    before = _count(env["JOURNEYS_WAREHOUSE"], "select count(*) from raw.submission_rows")
    outcome = run_pipeline()
    assert outcome.success, outcome.failure
    assert "no new files" in outcome.summary
    assert _count(env["JOURNEYS_WAREHOUSE"], "select count(*) from raw.submission_rows") == before


def test_schedule_tick_requests_every_region_and_publishes_a_pack(env: dict[str, Path]) -> None:
    from orchestration.definitions import defs

    context = build_schedule_context(scheduled_execution_time=datetime(2025, 9, 5, 7, 0))
    requests = regional_publication_schedule(context)
    assert len(requests) == 9 and len({r.run_key for r in requests}) == 9
    with duckdb.connect(str(env["JOURNEYS_SERVING"]), read_only=True) as con:
        region = con.execute(
            "select min(geography_code) from marts.retention_3_months where geography_level = 'region'"
        ).fetchone()[0]
    job = defs.resolve_job_def("regional_publication")
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(run_config=run_config({}), instance=instance, partition_key=region)
    assert result.success
    packs = list(env["JOURNEYS_PUBLICATIONS"].glob(f"*/{region}/index.html"))
    assert len(packs) == 1
    html = packs[0].read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html and "https://" not in html


def test_attacker_recovers_nothing_from_the_generated_runs_packs(env: dict[str, Path]) -> None:
    """The disclosure attacker (tests/test_disclosure.py) on every region's pack of this run's serving snapshot."""
    from test_disclosure import attack, regions_of

    from orchestration.publication import publish_all_regions
    from orchestration.publication.regions import DEFAULT_LA_REGIONS

    out = env["JOURNEYS_PUBLICATIONS"] / "attack"
    with duckdb.connect(str(env["JOURNEYS_SERVING"]), read_only=True) as con:
        packs = publish_all_regions(con, None, out)
        assert sum(p.total_suppressed for p in packs) > 0
        assert attack(packs[0].path.parent, con, regions_of(DEFAULT_LA_REGIONS)) == []
