"""The synthetic generator (orchestration.synthetic): arguments, determinism, file layout, every row against the
format's rules, the injected faults and memory at scale."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from generated_files import COLUMNS, FILE_NAME, digest, file_problems, manifest, read_lines, submission_files

from orchestration.settings import PROJECT_ROOT
from orchestration.synthetic import FAULT_KINDS, GenerateSummary, generate


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateSummary]:
    out = tmp_path_factory.mktemp("faulty")
    return out, generate(out, clients=600, providers=3, start="2025-10", end="2026-03", seed=3, error_rate=0.03)


# -- arguments ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": "2026-07", "end": "2026-06"}, "after"),
        ({"start": "2025-1"}, "YYYY-MM"),
        ({"end": "2025-13"}, "month 13"),
        ({"start": 202501}, "YYYY-MM"),
        ({"clients": 0}, "clients"),
        ({"clients": 2.5}, "clients"),
        ({"providers": 0}, "providers"),
        ({"providers": 10_000}, "providers"),
        ({"error_rate": -0.1}, "error_rate"),
        ({"error_rate": 1.5}, "error_rate"),
        ({"error_rate": float("nan")}, "error_rate"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_bad_arguments_are_value_errors(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


def test_out_dir_must_not_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        generate(tmp_path / "file", clients=5)


# -- determinism --------------------------------------------------------------------------------------------------
def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    kwargs = {"clients": 700, "providers": 4, "start": "2025-06", "end": "2025-11", "error_rate": 0.02}
    a = generate(tmp_path / "a", seed=11, workers=1, **kwargs)
    # neither worker processes nor flushing often change a byte
    b = generate(tmp_path / "b", seed=11, flush_bytes=4096, workers=2, **kwargs)
    c = generate(tmp_path / "c", seed=12, **kwargs)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert a.rows_written == b.rows_written and a.faults_injected == b.faults_injected > 0
    other = digest(tmp_path / "c")
    assert other.keys() == digest(tmp_path / "a").keys()
    assert all(other[name] != data for name, data in digest(tmp_path / "a").items() if name.startswith("P0001/"))
    assert c.rows_written != a.rows_written


def test_rerun_into_the_same_directory_overwrites(tmp_path: Path) -> None:
    generate(tmp_path / "x", clients=50, providers=2, start="2025-01", end="2025-03", seed=1, error_rate=0.2)
    generate(tmp_path / "x", clients=50, providers=2, start="2025-01", end="2025-03", seed=1)
    generate(tmp_path / "y", clients=50, providers=2, start="2025-01", end="2025-03", seed=1)
    assert digest(tmp_path / "x") == digest(tmp_path / "y")
    assert read_lines(tmp_path / "x" / "_generator" / "faults.csv") == ["file_name,source_line,fault,column"]


# -- format -------------------------------------------------------------------------------------------------------
def test_files_layout_and_summary(demo: tuple[Path, GenerateSummary]) -> None:
    out, summary = demo
    names = submission_files(out)
    assert len(names) == 6 * 18 == summary.files_written
    assert {p.name for p in out.iterdir()} == {"P0001", "P0002", "P0003", "P0004", "P0005", "P0006", "_generator"}
    assert [p.relative_to(out).as_posix() for p in (out / "_generator").rglob("*")] == ["_generator/faults.csv"]
    for name in names:
        match = FILE_NAME.match(name)
        assert match and match[1] == match[2], name
    assert summary.providers == 6 and summary.regions == 3 and summary.clients == 2000
    assert summary.faults_injected == 0 and summary.out_dir == out
    assert summary.rows_written == sum(len(read_lines(out / name)) - 1 for name in names)
    text = summary.describe()
    assert "\n" not in text and "2,000 clients" in text and "108 files" in text


def test_every_row_follows_every_rule(demo: tuple[Path, GenerateSummary]) -> None:
    """The independent Python reading of every rule, on every row of every third month's files."""
    out, _ = demo
    for name in submission_files(out):
        raw = (out / name).read_bytes()
        raw.decode("utf-8")
        assert b'"' not in raw and b"\r" not in raw and raw.endswith(b"\n")
        if int(name[-6:-4]) % 3 == 0:
            assert file_problems(out, name) == ({}, []), name


def test_naive_monthly_rendering_matches_segments() -> None:
    """The segment shortcut (render once per change month) equals rendering every month from scratch."""
    from orchestration.synthetic.data_window import Horizon
    from orchestration.synthetic.geography import build_geography
    from orchestration.synthetic.histories import HistorySimulator
    from orchestration.synthetic.randomness import derive_rng
    from orchestration.synthetic.seed_codes import load_reference
    from orchestration.synthetic.snapshots import SnapshotRenderer

    reference = load_reference()
    geography = build_geography(reference, 4, 5)
    horizon = Horizon(2024 * 12, 2026 * 12 + 5)
    simulator = HistorySimulator(reference, geography, horizon, derive_rng(5, "histories"))
    renderer = SnapshotRenderer(horizon, geography.codes)
    checked = 0
    for _ in range(400):
        for episode in simulator.history():
            fast = {month: (text, n) for month, text, n in renderer.blocks(episode)}
            for month in range(horizon.start_month, horizon.end_month + 1):
                assert fast.get(month) == renderer.render(episode, month)
                checked += 1
    assert checked > 10_000


# -- faults -------------------------------------------------------------------------------------------------------
def test_fault_manifest_lines_are_faulty_and_nothing_else_is(faulty: tuple[Path, GenerateSummary]) -> None:
    out, summary = faulty
    listed = manifest(out)
    assert len(listed) == summary.faults_injected > 100
    assert set(summary.faults_by_kind) == set(FAULT_KINDS) and all(summary.faults_by_kind.values())
    rows_total = 0
    for name in submission_files(out):
        found, conflicts = file_problems(out, name)
        rows_total += len(read_lines(out / name)) - 1
        mine = {line: kind for (file, line), kind in listed.items() if file == name}
        for line, (kind, column) in mine.items():
            assert (column == "") == (kind == "malformed_line")
            assert kind == "malformed_line" or column in COLUMNS
            if kind == "episode_conflict":
                continue
            assert kind in found.get(line, set()), (name, line, kind, column, found.get(line))
        # nothing unlisted is faulty on its own, or kinds other than the listed one
        assert {line for line in found if line not in mine} == set(), name
        assert all(found[line] == {mine[line][0]} for line in found), name
        # each conflicting episode: its unlisted rows agree, and each listed conflict row differs from them
        in_conflict = {line for rows in conflicts for line in rows}
        for rows in conflicts:
            clean = {fields for line, fields in rows.items() if line not in mine}
            assert len(clean) == 1, (name, rows)
            for line, fields in rows.items():
                if line in mine:
                    assert mine[line][0] == "episode_conflict" and fields not in clean, (name, line)
        listed_conflicts = {line for line, (kind, _) in mine.items() if kind == "episode_conflict"}
        assert listed_conflicts <= in_conflict, name
    assert summary.faults_injected / rows_total == pytest.approx(0.03, rel=0.25)
    assert all((out / name).read_bytes().count(b'"') == 0 for name in submission_files(out))


def test_faults_live_in_one_month_only(faulty: tuple[Path, GenerateSummary]) -> None:
    """A faulted row's record is intact in the other months: the same run without faults gives the same rows
    everywhere else, line for line."""
    out, _ = faulty
    clean = out.parent / (out.name + "_clean")
    generate(clean, clients=600, providers=3, start="2025-10", end="2026-03", seed=3)
    listed = manifest(out)
    for name in submission_files(out):
        dirty, pure = read_lines(out / name), read_lines(clean / name)
        assert len(dirty) == len(pure)
        differing = {n for n, (a, b) in enumerate(zip(dirty, pure, strict=True), 1) if a != b}
        assert differing == {line for (file, line) in listed if file == name}


def test_no_faults_means_header_only_manifest(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    assert manifest(out) == {}


# -- scale ----------------------------------------------------------------------------------------------------------
def test_memory_stays_bounded_in_a_larger_run(tmp_path: Path) -> None:
    """Peak RSS of a fresh interpreter generating 15,000 clients in-process (workers=1: everything in one
    process, the conservative case). VmHWM (the process's own high-water mark) is
    read rather than ru_maxrss, which on Linux carries over the parent's (pytest's) peak through fork/exec."""
    script = textwrap.dedent(
        f"""
        import json, resource, sys
        from pathlib import Path
        sys.path.insert(0, {str(PROJECT_ROOT)!r})
        from orchestration.synthetic import generate
        summary = generate(Path({str(tmp_path / "big")!r}), clients=15000, providers=20, start="2025-01",
                           end="2025-12", seed=1, flush_bytes=8 * 1024 * 1024, workers=1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        status = Path("/proc/self/status")
        if status.exists():
            peak = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM"))
        print(json.dumps({{"rss_kb": peak, "rows": summary.rows_written}}))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["rows"] > 300_000
    assert measured["rss_kb"] < 150 * 1024, measured
