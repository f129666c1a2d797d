"""The serving snapshot never silently goes empty, goes back in time or changes its client keys (issue 15), and it
documents itself (issue 13): real ``journeys run`` processes, real DuckDB files, real dbt, real Dagster.

One module-scoped warehouse and snapshot (3 months, 2 providers) built by the installed command; each refusal is
then checked for its exit code, its one line and a byte-identical old snapshot. The refusals that need no new dbt
build (another key, an empty or a smaller snapshot) are published from real copies of the warehouse with their
``marts.snapshot_info`` changed, through ``publish_snapshot`` and through Dagster with the run config.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance

from orchestration.pseudonymise import key_fingerprint
from orchestration.runner.pipeline import run_pipeline
from orchestration.runner.progress import run_config
from orchestration.serving import ServingRefusedError, publish_snapshot
from orchestration.serving_docs import docs_path, publish_docs
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.synthetic import generate

JOURNEYS = str(Path(sys.executable).parent / "journeys")
KEY = "serving-test-pseudonym-key-5d1e"
OTHER_KEY = "another-pseudonym-key-not-the-first"


def _env(root: Path, key: str = KEY) -> dict[str, str]:
    return {
        **os.environ,
        "JOURNEYS_LANDING": str(root / "landing"),
        "JOURNEYS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "JOURNEYS_SERVING": str(root / "serving.duckdb"),
        "JOURNEYS_REPORTS": str(root / "reports"),
        "JOURNEYS_PSEUDONYM_KEY": key,
    }


def _journeys(root: Path, *args: str, key: str = KEY) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JOURNEYS, "run", *args], env=_env(root, key), capture_output=True, text=True, check=False)


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line: exactly one ``journeys: error:`` line on stderr, nothing of the reason on other lines."""
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("journeys: error:")]
    assert len(errors) == 1, result.stderr[-3000:]
    following = lines[lines.index(errors[0]) + 1 :]
    assert all("warning" in line.lower() for line in following), result.stderr[-3000:]  # e.g. multiprocessing's
    return errors[0]


def _files(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its hash, except ``*.lock`` files: the warehouse lock records who held it
    last (pid, host, since), which is not data."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and p.suffix != ".lock"
    }


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one(db: Path, sql: str) -> tuple:  # type: ignore[type-arg]
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return row


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serving")
    generate(root / "landing", clients=120, providers=2, start="2025-01", end="2025-03", seed=5)
    first = _journeys(root)
    assert first.returncode == 0, first.stderr[-3000:]
    return root


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the built warehouse and snapshot (tests that replace the snapshot use this)."""
    for name in ("warehouse.duckdb", "serving.duckdb"):
        shutil.copy2(built / name, tmp_path / name)
    (tmp_path / "landing").mkdir()
    yield tmp_path


# --- 1. inputs must exist -------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", ["missing", "a file"])
def test_a_landing_directory_that_is_not_there_is_a_usage_error(built: Path, tmp_path: Path, make: str) -> None:
    landing = tmp_path / "typo"
    if make == "a file":
        landing.write_text("not a directory", encoding="utf-8")
    before = _files(built)
    result = _journeys(built, "--landing", str(landing))
    assert result.returncode == 2
    line = _error_line(result)
    assert str(landing) in line and "--landing" in line
    assert _files(built) == before


def _failed_dagster_run(built: Path, log: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    """Run the job in-process (the path of the UI and the Dagster CLI); it must fail and write nothing."""
    for key, value in {**_env(built), **env}.items():
        monkeypatch.setenv(key, value)
    before = _files(built)
    outcome = run_pipeline(log_file=log)
    assert not outcome.success
    assert _files(built) == before
    return outcome.failure or ""


def test_the_dagster_asset_path_fails_on_a_missing_landing_directory(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = _failed_dagster_run(built, tmp_path / "run.log", monkeypatch, JOURNEYS_LANDING=str(tmp_path / "typo"))
    assert "landing_submissions" in failure and "does not exist" in failure


# --- 3. the key fingerprint -----------------------------------------------------------------------------------


def test_a_wrong_key_against_an_existing_warehouse_writes_nothing(built: Path) -> None:
    before = _files(built)
    result = _journeys(built, key=OTHER_KEY)
    assert result.returncode == 1
    line = _error_line(result)
    assert "JOURNEYS_PSEUDONYM_KEY" in line and "nothing was written" in line
    assert OTHER_KEY not in result.stderr + result.stdout and KEY not in result.stderr + result.stdout
    assert _files(built) == before


def test_a_wrong_key_stops_the_dagster_run_before_ingest_writes(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = _failed_dagster_run(built, tmp_path / "run.log", monkeypatch, JOURNEYS_PSEUDONYM_KEY=OTHER_KEY)
    assert "landing_submissions" in failure and "JOURNEYS_PSEUDONYM_KEY" in failure


def test_snapshot_info_in_both_databases_under_an_enforced_contract(built: Path) -> None:
    expected = ("2025-03-31", version("journeys"), key_fingerprint(KEY.encode()), 6, 6)
    sql = (
        "select cast(as_of as varchar), pipeline_version, key_fingerprint, submissions_accepted, submissions_total, "
        "(select count(*) from marts.snapshot_info) from marts.snapshot_info"
    )
    for db in ("warehouse.duckdb", "serving.duckdb"):
        assert _one(built / db, sql) == (*expected, 1), db
    recorded = _one(built / "warehouse.duckdb", "select key_fingerprint from ingest.pipeline_info")
    assert recorded == (key_fingerprint(KEY.encode()),)
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    node = manifest["nodes"]["model.journeys.snapshot_info"]
    assert node["config"]["contract"]["enforced"]
    columns = node["columns"]
    assert set(columns) == {"as_of", "built_at", "pipeline_version", "key_fingerprint", "submissions_accepted",
                            "submissions_total"}  # fmt: skip
    assert all(c["description"] and c["data_type"] for c in columns.values())
    types = dict(
        duckdb.connect(str(built / "serving.duckdb"), read_only=True)
        .execute("select column_name, data_type from duckdb_columns() where table_name = 'snapshot_info'")
        .fetchall()
    )
    assert types["built_at"] == "TIMESTAMP" and types["as_of"] == "DATE" and types["submissions_total"] == "BIGINT"


def test_snapshot_info_unit_tests_pass(copy: Path) -> None:
    """The model's dbt unit tests (the pipeline excludes unit tests; CI runs them here, on the built warehouse)."""
    cmd = [
        str(Path(sys.executable).parent / "dbt"), "test", "--select", "snapshot_info,resource_type:unit_test",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(copy / "target"), "--log-path", str(copy / "logs"),
    ]  # fmt: skip
    env = {**_env(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(cmd, env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False)
    # Both unit tests pass (the count of PASS lines, not dbt's total: project hooks count there too).
    assert result.returncode == 0 and result.stdout.count("PASS snapshot_info::") == 2, result.stdout[-4000:]


# --- 2. the publishing guard ----------------------------------------------------------------------------------

REFUSALS = {
    "another key": ("update marts.snapshot_info set key_fingerprint = 'f' || key_fingerprint", "another pseudonym"),
    "empty": (
        "update marts.snapshot_info set submissions_accepted = 0, submissions_total = 0, as_of = null; "
        "delete from marts.journeys; delete from marts.episodes; delete from marts.submissions",
        "no accepted submission",
    ),
    "earlier as_of": ("update marts.snapshot_info set as_of = date '2025-02-28'", "--serving"),
    "fewer": ("update marts.snapshot_info set submissions_accepted = submissions_accepted - 1", "fewer accepted"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_publishing_is_refused_and_the_old_snapshot_stays_byte_identical(copy: Path, case: str) -> None:
    change, words = REFUSALS[case]
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute(change)
    serving = copy / "serving.duckdb"
    before = _sha(serving)
    with pytest.raises(ServingRefusedError) as refused:
        publish_snapshot(copy / "warehouse.duckdb", serving)
    message = str(refused.value)
    assert "\n" not in message and words in message and "--replace-serving" in message
    assert _sha(serving) == before
    assert not list(copy.glob("serving.duckdb.tmp-*"))
    publish_snapshot(copy / "warehouse.duckdb", serving, replace=True)
    assert _sha(serving) != before


def test_the_same_or_a_later_snapshot_is_published(copy: Path) -> None:
    publish_snapshot(copy / "warehouse.duckdb", copy / "serving.duckdb")
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute("update marts.snapshot_info set as_of = date '2025-04-30', submissions_accepted = 8")
    publish_snapshot(copy / "warehouse.duckdb", copy / "serving.duckdb")
    assert _one(copy / "serving.duckdb", "select submissions_accepted from marts.snapshot_info") == (8,)


def test_a_snapshot_from_before_snapshot_info_is_compared_on_its_submissions(copy: Path) -> None:
    serving = copy / "serving.duckdb"
    with duckdb.connect(str(serving)) as con:
        con.execute("drop table marts.snapshot_info")
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute("update marts.snapshot_info set submissions_accepted = 0")
    before = _sha(serving)
    with pytest.raises(ServingRefusedError, match="no accepted submission"):
        publish_snapshot(copy / "warehouse.duckdb", serving)
    assert _sha(serving) == before


def test_an_unreadable_current_file_is_not_overwritten(copy: Path) -> None:
    serving = copy / "serving.duckdb"
    serving.write_bytes(b"not a duckdb database\n" * 100)
    before = _sha(serving)
    with pytest.raises(ServingRefusedError, match="move it aside"):
        publish_snapshot(copy / "warehouse.duckdb", serving)
    assert _sha(serving) == before


@pytest.mark.parametrize("replace", [False, True])
def test_dagster_run_config_replace_serving(copy: Path, replace: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.definitions import defs

    monkeypatch.setenv("JOURNEYS_PSEUDONYM_KEY", KEY)  # the dbt docs run checks it against the warehouse

    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute(REFUSALS["another key"][0])
    serving = copy / "serving.duckdb"
    before = _sha(serving)
    job = defs.resolve_job_def("journeys_pipeline").get_subset(asset_selection={_key("serving_snapshot")})
    config = {
        "warehouse": str(copy / "warehouse.duckdb"),
        "serving": str(serving),
        "landing": str(copy / "landing"),
        "replace_serving": replace,
    }
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(run_config=run_config(config), instance=instance, raise_on_error=False)
    failures = [e.step_failure_data.error for e in result.all_events if e.is_step_failure]
    assert result.success is replace, [f.cause.message if f and f.cause else f for f in failures]
    if not replace:
        assert "another pseudonymisation key" in str(failures[0].cause.message)  # type: ignore[union-attr]
    assert (_sha(serving) != before) is replace
    if replace:
        assert _one(serving, "select key_fingerprint from marts.snapshot_info")[0].startswith("f")


def _key(name: str):  # type: ignore[no-untyped-def]
    from dagster import AssetKey

    return AssetKey(name)


def test_an_earlier_as_of_is_refused_by_journeys_run_and_allowed_with_replace_serving(built: Path) -> None:
    serving = built / "serving.duckdb"
    before = _sha(serving)
    refused = _journeys(built, "--as-of", "2025-02-28")
    assert refused.returncode == 1
    line = _error_line(refused)
    assert "as_of 2025-02-28 is earlier than the current snapshot's 2025-03-31" in line
    assert "--serving PATH" in line and "--replace-serving" in line
    assert _sha(serving) == before
    allowed = _journeys(built, "--as-of", "2025-02-28", "--replace-serving")
    assert allowed.returncode == 0, allowed.stderr[-3000:]
    assert _one(serving, "select cast(as_of as varchar) from marts.snapshot_info") == ("2025-02-28",)


# --- issue 13: a self-documenting serving database --------------------------------------------------------------


def test_serving_tables_and_columns_carry_the_dbt_descriptions(built: Path) -> None:
    with duckdb.connect(str(built / "serving.duckdb"), read_only=True) as con:
        columns = dict(
            con.execute("select column_name, comment from duckdb_columns() where table_name = 'journeys'").fetchall()
        )
        tables = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
    assert columns["client_key"] == "Pseudonymous client key."
    assert all(columns.values()), [c for c, text in columns.items() if not text]
    assert tables["journeys"].startswith("One row per treatment journey")
    assert all(tables.values()), [t for t, text in tables.items() if not text]


def test_a_static_dbt_docs_site_is_published_beside_the_snapshot_with_metadata_only(built: Path) -> None:
    page = docs_path(built / "serving.duckdb")
    assert page == built / "docs" / "index.html"
    html = page.read_text(encoding="utf-8")
    manifest, catalog = _inlined(html)
    assert "model.journeys.snapshot_info" in manifest["nodes"]
    assert manifest["unit_tests"] == {}
    assert {n["metadata"]["schema"] for n in catalog["nodes"].values()} == {"marts"}
    assert "model.journeys.journeys" in catalog["nodes"] and not catalog["sources"]
    journeys = catalog["nodes"]["model.journeys.journeys"]
    assert journeys["columns"]["client_key"]["comment"] == "Pseudonymous client key."
    assert all(set(n["stats"]) <= {"has_stats"} for n in catalog["nodes"].values())  # no row counts or values
    assert KEY not in html
    with duckdb.connect(str(built / "serving.duckdb"), read_only=True) as con:
        client_keys = [r[0] for r in con.execute("select client_key from marts.journeys limit 20").fetchall()]
    assert client_keys and not any(k in html for k in client_keys)
    assert not list(page.parent.glob(".index.html.tmp-*"))
    made = page.stat().st_mtime_ns
    publish_docs(built / "warehouse.duckdb", built / "serving.duckdb")  # same project and version: kept as it is
    assert page.stat().st_mtime_ns == made


def _inlined(html: str) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """The manifest and catalog dbt's static page inlines (``{manifest:{...},catalog:{...}}`` in its script)."""
    decoder = json.JSONDecoder()
    start = html.index("{manifest:") + len("{manifest:")
    manifest, end = decoder.raw_decode(html, start)
    assert html.startswith(",catalog:", end)
    catalog, _ = decoder.raw_decode(html, end + len(",catalog:"))
    return manifest, catalog
