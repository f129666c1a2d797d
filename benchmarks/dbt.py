"""``dbt build`` (seeds, models, data tests; no unit tests, as the pipeline runs it) vs the same SQL run directly.

Input: a national year (12 cumulative monthly files per provider) ingested into a warehouse, then accepted. With
``gate=False`` (the default) submissions are marked accepted with SQL, as the gate marks a clean file (status,
row counts, a zero ``gate.rule_results`` row per rule): the generated files are clean, so the gate would accept
every one anyway; ``gate=True`` gates them (one gate pass; the end-to-end benchmark times the gate itself).

Both sides start from copies of the same accepted warehouse (same file name, see :mod:`benchmarks.data`):

(a) ``dbt build --exclude-resource-type unit_test`` through ``dbtRunner`` in a fresh process (its peak RSS is
    dbt's, DuckDB's included), with its own warehouse copy, profiles, ``--target-path`` and ``--log-path`` in
    ``<work>/dbt/<set>/`` (kept between runs for dbt's partial parsing; the warehouse copy and logs are removed);
    dbt runs with a copy of the profiles that sets DuckDB's memory_limit explicitly (``memory_limit``, else
    ``JOURNEYS_DUCKDB_MEMORY_LIMIT``, else the profile's default), and (b) sets the same limit;
(b) :mod:`benchmarks.direct`: the compiled SQL of every seed, model and data test, taken from the manifest (a)
    leaves behind, executed in one DuckDB process.

``dbt parse`` runs first (untimed), so (a) starts with a partial-parse cache as a prepared project does.

Afterwards every model's row count is compared between the two warehouses.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb

from benchmarks import data
from benchmarks.direct import plan
from benchmarks.measure import Measurement, Verdict, in_subprocess, report
from orchestration.warehouse import warehouse_lock

TARGET = 2.0
MEMORY_LIMIT_MB = 6 * 1024
MEMORY_ENV = "JOURNEYS_DUCKDB_MEMORY_LIMIT"
PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
BENCH_KEY = "benchmark-pseudonym-key-not-secret"


def _dbt(label: str, args: list[str], env: dict[str, str]) -> Measurement:
    """One dbt command through ``dbtRunner`` in a fresh, measured process; fails if dbt does."""
    return in_subprocess(
        label,
        setup=f"from dbt.cli.main import dbtRunner\nargs = {args!r}",
        code="""
outcome = dbtRunner().invoke(args)
statuses = {}
errors = []
for node in getattr(outcome.result, 'results', None) or []:
    status = str(getattr(node, 'status', 'unknown'))
    statuses[status] = statuses.get(status, 0) + 1
    if status in ('error', 'fail', 'runtime error'):
        message = ' '.join(part.strip() for part in str(node.message).splitlines()[1:2] or [str(node.message)])
        errors.append(f'{node.node.unique_id}: {message[:300]}')
if outcome.exception is not None:
    raise SystemExit(f'dbt raised: {outcome.exception}')
RESULT = {'success': bool(outcome.success), 'statuses': statuses, 'errors': errors[:5]}
""",
        env=env,
    )


def accept_all(database: Path) -> int:
    """Mark every loaded submission accepted exactly as the gate records a clean file; returns how many."""
    from orchestration.gate import gate as gate_module
    from orchestration.gate.rules import gate_rules

    with duckdb.connect(str(database)) as con:
        con.execute("begin transaction")
        con.execute(
            "create temp table bench_totals as select s.submission_id, "
            "(select count(*) from raw.submission_rows r where r.submission_id = s.submission_id) "
            "+ (select count(*) from raw.malformed_lines m where m.submission_id = s.submission_id) as total "
            "from ingest.submissions s where s.status = 'loaded'"
        )
        rules = [(rule.name, rule.severity) for rule in gate_rules()] + [(gate_module.FILE_REJECTED, "error")]
        con.execute(
            "insert into gate.rule_results select t.submission_id, r.rule, r.severity, 0 "
            "from bench_totals t cross join (select unnest($rules) as rule, unnest($sev) as severity) r",
            {"rules": [name for name, _ in rules], "sev": [severity for _, severity in rules]},
        )
        con.execute(
            "update ingest.submissions s set status = 'accepted', rows_total = t.total, rows_accepted = t.total, "
            "rows_quarantined = 0, reason = null from bench_totals t where s.submission_id = t.submission_id"
        )
        accepted = int(con.execute("select count(*) from bench_totals").fetchall()[0][0])
        con.execute("commit")
        con.execute("checkpoint")
    return accepted


def gate_all(database: Path) -> dict[str, int]:
    """Gate every loaded submission in one gate pass; statuses and their counts."""
    from orchestration.gate import gate_submissions, pending_submissions

    statuses: dict[str, int] = {}
    with duckdb.connect(str(database)) as con:
        for outcome in gate_submissions(con, pending_submissions(con)):
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        con.execute("checkpoint")
    return statuses


def _accepted_warehouse(work: Path, dataset: data.DataSet, gate: bool) -> Path:
    """The ingested year, accepted (SQL) or gated (one gate pass), cached like the other inputs."""
    key = f"{dataset.key}_{'gated' if gate else 'accepted'}"
    cached = work / "warehouses" / key / data.WAREHOUSE_NAME
    if (cached.parent / "done").exists():
        return cached
    source = data.ingested_warehouse(work, dataset)
    shutil.rmtree(cached.parent, ignore_errors=True)
    cached.parent.mkdir(parents=True)
    shutil.copyfile(source, cached)
    if gate:
        print("gating every submission (untimed) ...", flush=True)
        print(f"  gate outcomes: {gate_all(cached)}", flush=True)
    else:
        print(f"  {accept_all(cached):,} submissions marked accepted with SQL (not gated)", flush=True)
    (cached.parent / "done").write_text("ok\n")
    return cached


def _model_counts(database: Path, relations: list[str]) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {rel: int(con.execute(f"select count(*) from {rel}").fetchall()[0][0]) for rel in relations}


def effective_memory_limit(requested: str | None) -> str | None:
    """The DuckDB memory_limit dbt runs with: ``requested``, else ``JOURNEYS_DUCKDB_MEMORY_LIMIT``, else the
    default written in profiles.yml (``env_var('JOURNEYS_DUCKDB_MEMORY_LIMIT', '<default>')``); None = DuckDB's."""
    if requested:
        return requested
    if os.environ.get(MEMORY_ENV):
        return os.environ[MEMORY_ENV]
    import yaml

    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    output = profiles["journeys"]["outputs"][profiles["journeys"]["target"]]
    value = str((output.get("settings") or {}).get("memory_limit") or "")
    if "{{" not in value:
        return value or None
    match = re.search(rf"env_var\(\s*['\"]{MEMORY_ENV}['\"]\s*,\s*['\"]([^'\"]+)['\"]", value)
    return match.group(1) if match else None


def _profiles_dir(folder: Path, memory_limit: str | None, threads: int | None) -> Path:
    """A copy of the project's profiles in ``folder`` with DuckDB's memory_limit set explicitly (both sides of
    the comparison run with the same limit, whatever the profile's own expression says) and dbt's threads
    overridden if asked."""
    if memory_limit is None and threads is None:
        return PROJECT_DIR
    import yaml

    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    for output in profiles["journeys"]["outputs"].values():
        if memory_limit is not None:
            output.setdefault("settings", {})["memory_limit"] = memory_limit
        if threads is not None:
            output["threads"] = threads
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False), encoding="utf-8")
    return folder


def _parse_is_fresh(cache: Path) -> bool:
    if not cache.exists():
        return False
    sources = [
        path
        for folder in (PROJECT_DIR, PROJECT_DIR.parent / "seeds")
        for path in folder.rglob("*")
        if path.is_file() and not {"target", "logs", "dbt_packages"} & set(path.relative_to(folder).parts)
    ]
    return all(path.stat().st_mtime < cache.stat().st_mtime for path in sources)


def _compare(manifest: Path, dbt_db: Path, direct_db: Path) -> str:
    """Every model's row count in the dbt-built and the directly built warehouse."""
    relations = [s.relation for s in plan(manifest) if s.kind == "model" and s.relation]
    built, direct = _model_counts(dbt_db, relations), _model_counts(direct_db, relations)
    differ = [f"{rel} ({built[rel]:,} vs {direct[rel]:,})" for rel in relations if built[rel] != direct[rel]]
    return f"DIFFER for {', '.join(differ)}" if differ else f"equal for all {len(relations)} models"


def run(
    work: Path,
    dataset: data.DataSet,
    gate: bool = False,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> tuple[str, list[Verdict]]:
    memory_limit = effective_memory_limit(memory_limit)
    source = _accepted_warehouse(work, dataset, gate)
    with duckdb.connect(str(source), read_only=True) as con:
        rows = int(con.execute("select count(*) from raw.submission_rows").fetchall()[0][0])
    # dbt's folder is kept between runs (same warehouse path, profiles and target path), so its partial-parse
    # cache stays valid and the untimed ``dbt parse`` is quick; the lock keeps concurrent runs apart.
    variant = f"{'gated' if gate else 'accepted'}_{memory_limit or 'default'}_t{threads or 'profile'}"
    folder = work / "dbt" / f"{dataset.key}_{variant}"
    dbt_db = folder / "warehouse" / data.WAREHOUSE_NAME
    with warehouse_lock(dbt_db):
        shutil.rmtree(folder / "logs", ignore_errors=True)
        dbt_db.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dbt_db)
        direct_db = data.scratch_copy(work, source, "dbt_direct")
        try:
            built, measured = _measure(folder, dbt_db, direct_db, memory_limit, threads)
        finally:
            dbt_db.unlink(missing_ok=True)
            shutil.rmtree(folder / "failed-logs", ignore_errors=True)
            if (folder / "logs").exists():
                (folder / "logs").rename(folder / "failed-logs")
            data.drop_scratch(work, "dbt_direct")
    setting = (
        f"{dataset.describe()}, {'gated' if gate else 'accepted with SQL (not gated)'}; "
        f"DuckDB memory_limit (both sides): {memory_limit or 'none (DuckDB default, 80% of RAM)'}; "
        f"dbt threads: {threads or 'as in profiles.yml'}"
    )
    if measured is None:
        errors = "\n    ".join(built.result["errors"]) or "(no node error recorded)"
        text = (
            f"== dbt build ({rows:,} rows): FAILED after {built.seconds:.1f} s, peak {built.peak_mb:,.0f} MB\n"
            f"  input: {setting}\n  node results {built.result['statuses']}\n    {errors}\n"
            f"  dbt's log: {folder / 'failed-logs' / 'dbt.log'}"
        )
        return text, [Verdict("dbt build vs direct SQL", False, f"dbt build failed: {built.result['statuses']}")]
    shutil.rmtree(folder / "failed-logs", ignore_errors=True)
    direct, compared = measured
    text, verdict = report("dbt build vs direct SQL", built, direct, rows, limit=TARGET)
    memory = Verdict(
        "dbt peak memory",
        built.peak_mb < MEMORY_LIMIT_MB,
        f"{built.peak_mb:,.0f} MB (target < {MEMORY_LIMIT_MB:,} MB); direct SQL {direct.peak_mb:,.0f} MB",
    )
    text += (
        f"\n  input: {setting}"
        f"\n  dbt build: success={built.result['success']}, node results {built.result['statuses']}"
        f"\n  direct: {direct.result}"
        f"\n  model row counts, dbt vs direct: {compared}"
        f"\n  peak memory: dbt {built.peak_mb:,.0f} MB ({'within' if memory.passed else 'OVER'} the "
        f"{MEMORY_LIMIT_MB:,} MB target)"
    )
    return text, [verdict, memory]


def _measure(
    folder: Path, dbt_db: Path, direct_db: Path, memory_limit: str | None, threads: int | None
) -> tuple[Measurement, tuple[Measurement, str] | None]:
    """(a) dbt build and, if it succeeded, (b) the compiled SQL directly, each on its own copy; then their row
    counts compared."""
    profiles = folder / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    paths = {
        "--project-dir": PROJECT_DIR,
        "--profiles-dir": _profiles_dir(profiles, memory_limit, threads),
        "--target-path": folder / "target",
        "--log-path": folder / "logs",
    }
    common = [*(part for flag, path in paths.items() for part in (flag, str(path))), "--no-use-colors"]
    key = os.environ.get("JOURNEYS_PSEUDONYM_KEY") or BENCH_KEY
    dbt_env = {"JOURNEYS_WAREHOUSE": str(dbt_db), "JOURNEYS_PSEUDONYM_KEY": key}
    # dbt parse (untimed, skipped while the cache is newer than every project file): the partial-parse cache a
    # prepared project has (dagster-dbt reuses it), so (a) times what a pipeline run pays.
    if not _parse_is_fresh(folder / "target" / "partial_parse.msgpack"):
        _dbt("dbt parse", ["parse", *common], dbt_env)
    built = _dbt(
        "dbt build (seeds, models, tests)", ["build", "--exclude-resource-type", "unit_test", *common], dbt_env
    )
    if not built.result["success"]:
        return built, None
    # The manifest dbt build leaves has every executed node's compiled SQL: (b) runs exactly that.
    manifest = folder / "target" / "manifest.json"
    direct = direct_sql(manifest, direct_db, memory_limit, key)
    return built, (direct, _compare(manifest, dbt_db, direct_db))


def direct_sql(manifest: Path, database: Path, memory_limit: str | None, key: str) -> Measurement:
    """dbt's floor: the compiled SQL of every node of ``manifest`` run directly in DuckDB on ``database``, in a
    fresh, measured process, with the same memory limit and client-key macro as dbt's connections."""
    setup_limit = f"con.execute(\"set memory_limit = '{memory_limit}'\")" if memory_limit else ""
    return in_subprocess(
        "compiled SQL directly in DuckDB",
        setup=(
            "import duckdb\nfrom pathlib import Path\nfrom benchmarks.direct import plan, execute\n"
            f"from orchestration.pseudonymise import define_macro\nstatements = plan(Path({str(manifest)!r}))\n"
            f"con = duckdb.connect({str(database)!r})\ncon.execute('set enable_progress_bar = false')\n"
            f"define_macro(con, {key.encode()!r})\n{setup_limit}"
        ),
        code="RESULT = execute(con, statements)\ncon.close()",
    )
