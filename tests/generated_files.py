"""An independent reading of the submission format's row rules, for checking the synthetic generator's files
(written from ``submission-format.md``, not from the generator, so a row the generator thinks is fine is judged by
a second reading of the spec)."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb

from orchestration.settings import SEEDS_DIR
from orchestration.warehouse import SUBMISSION_COLUMNS

COLUMNS = [name.upper() for name in SUBMISSION_COLUMNS]  # the format, as the loader knows it
C = {name: i for i, name in enumerate(COLUMNS)}
EPISODE_FIELDS = COLUMNS[: C["MODID"]]
FILE_NAME = re.compile(r"^([A-Z][A-Z0-9]{3,7})/([A-Z][A-Z0-9]{3,7})_(\d{4})-(\d{2})\.csv$")
LA_FORMAT = re.compile(r"^(E0[6-9]|E10)\d{6}$|^Z00B$")


def _seed(name: str, column: str) -> list[str]:
    with (SEEDS_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


LA_CODES = set(_seed("la_regions.csv", "la_code"))
DRUGS = dict(zip(_seed("drug_codes.csv", "drug_code"), _seed("drug_codes.csv", "substance_group"), strict=True))
SUBINT_TYPE = dict(
    zip(
        _seed("sub_interventions.csv", "sub_intervention_code"),
        _seed("sub_interventions.csv", "intervention_type"),
        strict=True,
    )
)
DISRSN = set(_seed("discharge_reasons.csv", "discharge_reason"))


# -- an independent reading of the format's row rules ------------------------------------------------------------
def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def row_problems(fields: list[str], agency: str, month_end: date) -> set[str]:
    """The fault kinds this row exhibits on its own (episode_conflict needs the other rows: see file_problems)."""
    if len(fields) != len(COLUMNS):
        return {"malformed_line"}
    f = dict(zip(COLUMNS, fields, strict=True))
    problems: set[str] = set()
    required = ["AGNCY", "CLIENTID", "FINITIAL", "SINITIAL", "DOB", "SEX", "LA", "EPISODID", "REFLD", "DRUG1"]
    if f["DISD"]:
        required.append("DISRSN")
    if f["MODID"]:
        required += ["MODAL", "MODSET", "MODST"]
    if f["MODEND"]:
        required.append("MODEXIT")
    if f["SUBID"]:
        required += ["SUBINT", "SUBST"]
    if any(not f[name] for name in required):
        problems.add("missing_required")
    codes_ok = (
        f["AGNCY"] in ("", agency)
        and len(f["CLIENTID"]) <= 32
        and len(f["EPISODID"]) <= 32
        and all(re.fullmatch("[A-Za-z]?", f[name]) for name in ("FINITIAL", "SINITIAL"))
        and f["SEX"] in ("", "M", "F", "X")
        and (not f["LA"] or (LA_FORMAT.match(f["LA"]) and f["LA"] in LA_CODES))
        and (not f["DRUG1"] or f["DRUG1"] in DRUGS)
        and f["INJSTAT"] in ("", "P", "C", "N", "Z")
        and all(f[name] in ("", "Y", "N", "Z") for name in ("MHNEED", "DEPANX", "MHPSYTX"))
        and (not f["DISRSN"] or (f["DISRSN"] in DISRSN and f["DISD"]))
        and (not f["MODAL"] or f["MODAL"] in ("94", "95", "96"))
        and (not f["MODSET"] or f["MODSET"] in tuple("123456"))
        and (not f["MODEXIT"] or (f["MODEXIT"] in ("A", "B", "C") and f["MODEND"]))
        and (not f["SUBINT"] or SUBINT_TYPE.get(f["SUBINT"]) == f["MODAL"] or not f["MODAL"])
    )
    if not codes_ok:
        problems.add("bad_code")
    if not f["MODID"] and any(f[name] for name in COLUMNS[C["MODAL"] :]):
        problems.add("missing_required")  # intervention fields without MODID
    if not f["SUBID"] and any(f[name] for name in COLUMNS[C["SUBINT"] :]):
        problems.add("missing_required")
    dates = {name: _date(f[name]) for name in ("DOB", "REFLD", "TRIAGED", "DISD", "MODST", "MODEND", "SUBST", "SUBEND")}
    if any(f[name] and dates[name] is None for name in dates):
        problems.add("bad_code")
    if any(value is not None and value > month_end for value in dates.values()):
        problems.add("date_after_month")

    def before(later: str, earlier: str) -> bool:
        a, b = dates[later], dates[earlier]
        return a is not None and b is not None and a < b

    if (
        before("TRIAGED", "REFLD")
        or before("DISD", "TRIAGED")
        or (not f["TRIAGED"] and before("DISD", "REFLD"))
        or before("MODST", "TRIAGED")
        or (f["MODID"] and not f["TRIAGED"])
        or before("MODEND", "MODST")
        or before("DISD", "MODEND")
        or before("SUBST", "MODST")
        or before("SUBEND", "SUBST")
        or before("MODEND", "SUBEND")
    ):
        problems.add("dates_out_of_order")
    dob, anchor = dates["DOB"], dates["TRIAGED"] or dates["REFLD"]
    if dob is not None and anchor is not None and not 18 <= _age(dob, anchor) <= 110:
        problems.add("impossible_dob")
    return problems


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def file_problems(out: Path, name: str) -> tuple[dict[int, set[str]], list[dict[int, tuple[str, ...]]]]:
    """Physical line -> fault kinds of every line that is faulty on its own, and the episodes whose otherwise
    valid rows disagree on an episode-level field (line -> those fields)."""
    match = FILE_NAME.match(name)
    assert match, name
    year, month = int(match[3]), int(match[4])
    month_end = date.fromordinal(date(year + month // 12, month % 12 + 1, 1).toordinal() - 1)
    lines = read_lines(out / name)
    assert lines[0] == ",".join(COLUMNS)
    found: dict[int, set[str]] = {}
    episodes: dict[str, dict[int, tuple[str, ...]]] = defaultdict(dict)
    for number, line in enumerate(lines[1:], 2):
        fields = line.split(",")
        problems = row_problems(fields, match[1], month_end)
        if problems:
            found[number] = problems
        else:
            episodes[fields[C["EPISODID"]]][number] = tuple(fields[: C["MODID"]])
    conflicts = [rows for rows in episodes.values() if len(set(rows.values())) > 1]
    return found, conflicts


def manifest(out: Path) -> dict[tuple[str, int], tuple[str, str]]:
    with (out / "_generator" / "faults.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["file_name", "source_line", "fault", "column"]
        return {(r["file_name"], int(r["source_line"])): (r["fault"], r["column"]) for r in reader}


def submission_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.csv") if not p.parent.name.startswith("_"))


def digest(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchall()[0]
