"""``journeys run`` progress (plain when stderr is not a terminal, rich on a terminal) and ``journeys publish``,
through the installed command in subprocesses on a tiny generated landing directory."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import duckdb
import pytest

from orchestration.synthetic import generate

from factories import journeys_env, journeys_places

JOURNEYS = str(Path(sys.executable).parent / "journeys")


def _env(root: Path) -> dict[str, str]:
    return journeys_env(root, {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"})  # ephemeral instance


def _journeys(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JOURNEYS, *args], env=_env(root), capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One plain ``journeys run`` (stderr captured: not a terminal)."""
    root = tmp_path_factory.mktemp("cli_run")
    generate(root / "landing", clients=150, providers=3, start="2025-01", end="2025-05", seed=21)
    run = _journeys(root, "run")
    assert run.returncode == 0, run.stderr[-3000:]
    return root, run


def test_plain_progress_has_a_line_per_step_with_counts_and_no_control_characters(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    root, run = built
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", run.stderr), "control characters in plain output"
    files = len([p for p in (root / "landing").rglob("*.csv") if "_generator" not in p.parts])
    lines = run.stderr.splitlines()
    assert any(re.fullmatch(rf"  ✓ landing_submissions: {files}/{files} files.* \(\d+\.\ds\)", x) for x in lines)
    assert any(re.fullmatch(r"  ✓ gated_submissions: (\d+)/\1 submissions gated \(\d+\.\ds\)", x) for x in lines)
    dbt = [m for x in lines if (m := re.fullmatch(r"  ✓ journeys_dbt_assets: (\d+)/(\d+) dbt nodes \(\d+\.\ds\)", x))]
    assert dbt and dbt[0].group(1) == dbt[0].group(2) and int(dbt[0].group(2)) > 100
    assert "leaked semaphore" not in run.stderr


def test_on_a_terminal_progress_is_drawn_live_with_rich(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """Also: --landing/--warehouse/--serving win over the environment (they reach the run as its run config), here
    pointed at places that do not exist."""
    root, _ = built
    places = journeys_places(root)
    flags = ["--landing", "--warehouse", "--serving"]
    names = ["JOURNEYS_LANDING", "JOURNEYS_WAREHOUSE", "JOURNEYS_SERVING"]
    elsewhere = root / "not_here"
    env = {**_env(root), **{name: str(elsewhere / places[name].name) for name in names}}
    args = [arg for flag, name in zip(flags, names, strict=True) for arg in (flag, str(places[name]))]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))  # a 100-column terminal
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = subprocess.run(
            [JOURNEYS, "run", *args], env=env, stdout=subprocess.PIPE, stderr=slave, text=True, check=False
        )
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    raw = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in raw, "no live display on a terminal"
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)
    assert result.returncode == 0, screen[-3000:]
    assert re.search(r"✓ journeys_dbt_assets .*? (\d+)/\1 +dbt nodes +\d:\d\d:\d\d", screen), screen[-3000:]
    assert re.search(r"journeys_dbt_assets .*? \d+/\d+ +dbt nodes", screen)
    assert re.search(r"✓ landing_submissions .*? (\d+)/\1 +files +\d:\d\d:\d\d", screen), screen[-3000:]
    assert not elsewhere.exists(), "the run used the environment's places instead of its flags"


def _regions_with_rows(serving: Path) -> set[str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute(
            "select distinct geography_code from marts.retention_3_months where geography_level = 'region'"
        ).fetchall()
    return {r[0] for r in rows}


def test_publish_writes_every_region_with_data_for_the_latest_complete_month(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    root, _ = built
    result = _journeys(root, "publish")
    assert result.returncode == 0, result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("open ") and last.endswith("index.html")
    assert Path(last.removeprefix("open ")).is_file()
    month = re.search(r"for (\d{4}-\d\d) from", result.stdout)
    assert month is not None
    published = {p.name for p in (root / "publications" / month.group(1)).iterdir()}
    assert published == _regions_with_rows(root / "serving.duckdb")


def test_publish_one_region_for_a_chosen_month(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, _ = built
    region = sorted(_regions_with_rows(root / "serving.duckdb"))[0]
    result = _journeys(root, "publish", "--month", "2025-03", "--region", region)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / "publications" / "2025-03" / region / "index.html").is_file()
    assert "published 1 regional pack(s) for 2025-03" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--month", "2025-13"], 2, "YYYY-MM"),
        (["--month", "2031-01"], 1, "latest complete month"),
        (["--region", "E99999999"], 1, "E99999999"),
    ],
)
def test_publish_refuses_bad_arguments_with_what_to_do(
    built: tuple[Path, subprocess.CompletedProcess[str]], args: list[str], code: int, says: str
) -> None:
    root, _ = built
    result = _journeys(root, "publish", *args)
    assert result.returncode == code, result.stderr
    assert says in result.stderr and result.stderr.startswith("journeys: error: ")


def test_publish_without_a_snapshot_says_to_run_first(tmp_path: Path) -> None:
    result = _journeys(tmp_path, "publish")
    assert result.returncode == 1
    assert "run 'journeys run' first" in result.stderr
