"""The operator's Dagster routes, run for real in subprocesses: ``dagster job execute`` without partition tags,
the README's asset selections, and ``dagster dev`` stopping on SIGINT. Each uses a temporary DAGSTER_HOME and a
tiny generated landing directory, never the developer's."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster import AssetSelection

from orchestration.settings import PROJECT_ROOT
from orchestration.synthetic import generate

from factories import journeys_env

BIN = Path(sys.executable).parent
README = PROJECT_ROOT / "README.md"


def _env(root: Path) -> dict[str, str]:
    home = root / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return {**journeys_env(root, dict(os.environ)), "DAGSTER_HOME": str(home)}


def _operations_guide() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Operations guide")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def _guide_commands(program: str) -> list[list[str]]:
    """Every ``dagster ...``/``journeys ...`` command written in the operations guide (code spans and blocks)."""
    guide = _operations_guide()
    found = re.findall(rf"`({program} [^`\n]+)`", guide)
    found += re.findall(rf"^\s*({program} .+?)(?:\s+#.*)?$", guide, flags=re.MULTILINE)
    return [shlex.split(c) for c in dict.fromkeys(found)]


def _months(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select distinct strftime(reporting_month, '%Y-%m') from ingest.submissions where status = 'accepted' "
            "order by 1"
        ).fetchall()
    return [r[0] for r in rows]


@dataclass
class Executed:
    root: Path
    results: list[subprocess.CompletedProcess[str]]
    months_after_backfill: list[str]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Executed:
    """The guide's CLI routes exactly as written: the backfill of 2025-04...2025-06 (its two commands), then
    ``dagster job execute -m orchestration.definitions -j journeys_pipeline``, on a landing of 2025-03...2025-06."""
    root = tmp_path_factory.mktemp("dagster_cli")
    generate(root / "landing", clients=150, providers=2, start="2025-03", end="2025-06", seed=5)
    commands = _guide_commands("dagster")
    backfill = [c for c in commands if c[:3] == ["dagster", "asset", "materialize"]]
    run_all = next(c for c in commands if c[:3] == ["dagster", "job", "execute"] and "journeys_pipeline" in c)
    publish = next(c for c in commands if c[:3] == ["dagster", "job", "execute"] and "regional_publication" in c)
    assert len(backfill) == 2 and "--tags" not in run_all and "--partition" not in run_all
    env = _env(root)
    results: list[subprocess.CompletedProcess[str]] = []
    months: list[str] = []
    for command in [*backfill, run_all, publish]:
        if command is run_all:
            months = _months(root / "warehouse.duckdb")
        results.append(
            subprocess.run(
                [str(BIN / command[0]), *command[1:]],
                cwd=PROJECT_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        )
        assert results[-1].returncode == 0, f"{shlex.join(command)}: {results[-1].stderr[-3000:]}"
    return Executed(root, results, months)


def test_the_backfill_route_loads_its_months_and_rebuilds_the_serving_snapshot(executed: Executed) -> None:
    assert executed.months_after_backfill == ["2025-04", "2025-05", "2025-06"]


def test_job_execute_without_partition_tags_covers_every_month(executed: Executed) -> None:
    assert _months(executed.root / "warehouse.duckdb") == ["2025-03", "2025-04", "2025-05", "2025-06"]
    with duckdb.connect(str(executed.root / "serving.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.journeys").fetchone()[0] > 0  # type: ignore[index]


def test_the_publication_job_without_a_partition_publishes_every_region_with_data(executed: Executed) -> None:
    with duckdb.connect(str(executed.root / "serving.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select distinct geography_code from marts.retention_3_months where geography_level = 'region'"
        ).fetchall()
    regions = {r[0] for r in rows}
    packs = {p.parent.name for p in (executed.root / "publications").glob("*/*/index.html")}
    assert regions and packs == regions


def test_a_run_repeats_no_warning(executed: Executed) -> None:
    for result in executed.results:
        warnings = [line for line in result.stderr.splitlines() if re.search(r"\w+Warning: ", line)]
        assert not [w for w in warnings if "backfill_policy" in w], warnings
        repeated = {line: n for line, n in Counter(warnings).items() if n > 1}
        assert not repeated, repeated
        observations = [line for line in result.stderr.splitlines() if "instead of an `AssetCheckResult`" in line]
        assert not observations, observations[:3]


def test_the_guides_selections_and_jobs_are_real() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    jobs = {job.name for job in defs.resolve_all_job_defs()}
    guide = _operations_guide()
    for name in re.findall(r"`((?:ingest|gate|serving|publication)/\w+)`", guide):
        pytest.fail(f"the guide names {name!r}, which is a group/asset path, not an asset key ({sorted(keys)[:5]}...)")
    commands = _guide_commands("dagster")
    assert any("materialize" in c for c in commands) and any("execute" in c for c in commands)
    for command in commands:
        if "-j" in command:
            assert command[command.index("-j") + 1] in jobs, command
        if "--select" in command:
            selection = command[command.index("--select") + 1]
            if re.fullmatch(r"[\w,]+", selection):
                assert set(selection.split(",")) <= keys, command
            else:
                assert AssetSelection.from_string(selection).resolve(graph), command
    assert "then the dbt and serving assets" not in guide


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a non-interactive shell does for a background job


def test_make_dev_launcher_stops_on_sigint_even_when_started_with_sigint_ignored(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "dev.log").open("w"),
        preexec_fn=_ignore_sigint,  # single-threaded test process: preexec_fn is safe
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, (tmp_path / "dev.log").read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "dagster dev did not serve within 300 s"
            time.sleep(2)
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            pytest.fail("dagster dev ignored SIGINT for 45 s")
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, "the webserver is still listening"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
