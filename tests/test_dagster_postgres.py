"""The Dagster instance on PostgreSQL (dagster.postgres.yaml), against a real PostgreSQL server.

The module starts its own server (``initdb`` + ``pg_ctl`` on a temporary directory, a loopback port, password
authentication), points DAGSTER_HOME at a directory holding the shipped ``dagster.postgres.yaml`` with the
credentials in the environment, then serves a sensor tick (landing_sensor evaluated with that instance, its first
run request executed through it) and a ``journeys run``. The runs, their tags and the asset materialisations
are then read back from PostgreSQL's own tables.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from dagster import DagsterInstance, build_sensor_context

from orchestration.cli import main
from orchestration.defs.automation import landing_sensor
from orchestration.runner.progress import run_config
from orchestration.settings import PROJECT_ROOT
from orchestration.synthetic import generate

from factories import environ, journeys_places

INSTALL = "install PostgreSQL's server binaries: apt-get install postgresql (make test does it when run as root)"


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"{name} not found: {INSTALL}")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres() -> Iterator[dict[str, str]]:
    """A throwaway PostgreSQL server; yields the DAGSTER_PG_* environment for dagster.postgres.yaml."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="journeys-pg-"))  # not under pytest's 0700 tmp: the server user reads it
    as_server_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the packaged 'postgres' user
        as_server_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    password = secrets.token_hex(16)
    pwfile = root / "pwfile"
    pwfile.write_text(password)
    if as_server_user:
        shutil.chown(pwfile, "postgres")
    data, port = root / "data", _free_port()
    run = [*as_server_user]
    subprocess.run(
        [*run, initdb, "-D", str(data), "-U", "journeys", "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(
        [*run, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        admin = psycopg2.connect(host="127.0.0.1", port=port, user="journeys", password=password, dbname="postgres")
        admin.autocommit = True  # CREATE DATABASE cannot run in a transaction
        admin.cursor().execute("create database dagster")
        admin.close()
        yield {
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(port),
            "DAGSTER_PG_USER": "journeys",
            "DAGSTER_PG_PASSWORD": password,
            "DAGSTER_PG_DB": "dagster",
        }
    finally:
        subprocess.run([*run, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def served(postgres: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A sensor tick and a ``journeys run`` served by the PostgreSQL-backed instance."""
    root = tmp_path_factory.mktemp("pg-instance")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.postgres.yaml", home / "dagster.yaml")
    env = {**postgres, "DAGSTER_HOME": str(home), **{k: str(v) for k, v in journeys_places(root).items()}}
    with environ(env):
        generate(root / "landing", clients=60, providers=2, start="2025-01", end="2025-03", seed=4)
        from orchestration.definitions import defs

        with DagsterInstance.get() as instance:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            tick = landing_sensor(build_sensor_context(instance=instance, definitions=defs))
            request = tick.run_requests[0]  # type: ignore[union-attr]
            result = defs.resolve_job_def("journeys_pipeline").execute_in_process(
                run_config=run_config({}),
                instance=instance,
                partition_key=request.partition_key,
                tags={**request.tags, "dagster/run_key": request.run_key or ""},
                raise_on_error=False,
            )
            assert result.success
        assert main(["run"]) == 0
        yield env


def _query(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    with psycopg2.connect(
        host=env["DAGSTER_PG_HOST"],
        port=int(env["DAGSTER_PG_PORT"]),
        user=env["DAGSTER_PG_USER"],
        password=env["DAGSTER_PG_PASSWORD"],
        dbname=env["DAGSTER_PG_DB"],
    ) as con:
        cur = con.cursor()
        cur.execute(sql)
        return list(cur.fetchall())


def test_the_runs_are_in_postgres(served: dict[str, str]) -> None:
    runs = _query(served, "select pipeline_name, status from runs order by create_timestamp")
    assert runs == [("journeys_pipeline", "SUCCESS"), ("journeys_pipeline", "SUCCESS")]
    triggered = _query(
        served,
        "select r.status, t.value from runs r join run_tags t on t.run_id = r.run_id where t.key = 'dagster/partition'",
    )
    assert triggered == [("SUCCESS", "2025-01-01")]  # the sensor tick's run: the first month's partition
    assert _query(served, "select count(*) from run_tags where key = 'journeys/trigger' and value = 'landing_sensor'")[
        0
    ] == (1,)


def test_the_asset_materialisations_are_in_postgres(served: dict[str, str]) -> None:
    rows = _query(
        served,
        "select asset_key, count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION' "
        "group by asset_key",
    )
    per_asset = {str(key): int(n) for key, n in rows}  # type: ignore[call-overload]
    for asset in ('["landing_submissions"]', '["gated_submissions"]'):  # partitioned: one per month
        assert per_asset.get(asset, 0) >= 2, (asset, per_asset)
    for asset in ('["marts", "journeys"]', '["marts", "qs8_measures"]', '["serving_snapshot"]'):
        assert per_asset.get(asset) == 2, (asset, per_asset)  # once per run
    checks = _query(served, "select count(*) from event_logs where dagster_event_type = 'ASSET_CHECK_EVALUATION'")
    assert checks[0][0] > 0  # type: ignore[operator]


def test_without_initdb_the_test_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(glob, "glob", lambda pattern: [])
    with pytest.raises(pytest.fail.Exception, match="apt-get install postgresql"):
        _binary("initdb")
