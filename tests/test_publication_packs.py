"""Regional publication packs (orchestration.publication.pack) on crafted marts in an in-memory DuckDB: files,
suppression in the pack, HTML and charts, determinism, reruns, release metadata and the data dictionary."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from crafted_marts import (
    ATTRIBUTOR_LIKE,
    ENGLAND,
    JUNE,
    LA1,
    LA2,
    LA3,
    LA4,
    LA5,
    NE,
    NW,
    NW_LA,
    make_marts,
)

from orchestration.publication import (
    AttributorError,
    PublicationError,
    assert_no_attributors,
    publish_all_regions,
    publish_region_pack,
    regions_with_data,
)
from orchestration.publication.charts import Axes, Series, line_chart


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    make_marts(connection)
    yield connection
    connection.close()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _cell(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


# ------------------------------------------------------------------------------------------------ packs


def test_pack_files_rows_and_geographies(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    summary = publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    pack = tmp_path / "2025-06" / NE
    assert summary.path == pack
    names = {"qs8_measures.csv", "retention_3_months.csv", "transfer_outcomes.csv", "nice_concordance.csv"}
    assert {p.name for p in pack.iterdir()} == names | {"index.html", "manifest.json", "data_dictionary.csv"}
    qs8 = _read_csv(pack / "qs8_measures.csv")
    # England, the region and its 5 LAs; no providers, no other region's LAs; months in the window + the FY.
    assert {(r["geography_level"], r["geography_code"]) for r in qs8 if r["period_type"] == "month"} == {
        ("national", ENGLAND), ("region", NE), *(("la", la) for la in (LA1, LA2, LA3, LA4, LA5)),
    }  # fmt: skip
    assert {r["period_start"] for r in qs8} == {"2025-05-01", "2025-06-01", "2025-04-01"}
    assert {r["period_type"] for r in qs8 if r["period_start"] == "2025-04-01"} == {"financial_year"}
    assert _cell(qs8, geography_code=NE, measure="qs8a", period_start="2025-06-01")["geography_name"] == "North East"
    assert _cell(qs8, geography_code=ENGLAND, measure="qs8a", period_start="2025-06-01")["numerator"] == "1000"
    assert _cell(qs8, geography_code=LA1, measure="qs8a", period_start="2025-06-01")["geography_name"] == "Hartlepool"
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["month"] == "2025-06" and manifest["region_code"] == NE
    rows = {f["name"]: f["rows"] for f in manifest["files"] if "rows" in f}
    assert (
        rows
        == summary.rows
        == {
            "qs8_measures.csv": len(qs8),
            "retention_3_months.csv": 4,
            "transfer_outcomes.csv": 3,
            "nice_concordance.csv": 3,
        }
    )
    assert sum(f.get("suppressed_cells", 0) for f in manifest["files"]) == summary.total_suppressed > 0


def test_pack_suppression_primary_secondary_and_rates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    qs8 = _read_csv(tmp_path / "2025-06" / NE / "qs8_measures.csv")

    def june(measure: str, code: str) -> dict[str, str]:
        return _cell(qs8, measure=measure, period_type="month", period_start="2025-06-01", geography_code=code)

    # qs8a June numerators 3, 0, 7, 6, 6: LA1 primary; LA4 (6, tie with LA5 broken by code) secondary; 0 kept.
    assert june("qs8a", LA1)["numerator"] == "" and june("qs8a", LA1)["numerator_suppressed"] == "true"
    assert june("qs8a", LA4)["numerator"] == "" and june("qs8a", LA4)["numerator_suppressed"] == "true"
    assert june("qs8a", LA2)["numerator"] == "0" and june("qs8a", LA2)["numerator_suppressed"] == "false"
    assert june("qs8a", LA5)["numerator"] == "6"
    assert june("qs8a", LA1)["denominator"] == "20"
    assert june("qs8a", LA1)["rate_percent"] == "" and june("qs8a", LA1)["rate_percent_suppressed"] == "true"
    assert june("qs8a", LA4)["rate_percent_suppressed"] == "true"
    assert float(june("qs8a", LA5)["rate_percent"]) == 15.0  # a percentage, rounded to 1 decimal place
    assert june("qs8a", NE)["numerator"] == "22"
    # qs8b June: LA1 2/4 both primary; numerator secondary LA2 (5; LA4's 0 never picked), denominator LA4 (6).
    # LA4's numerator 0 would then give its suppressed rate away (0%), so it is suppressed too.
    assert june("qs8b", LA1)["denominator_suppressed"] == "true" and june("qs8b", LA1)["rate_percent"] == ""
    assert june("qs8b", LA2)["numerator_suppressed"] == "true" and june("qs8b", LA2)["denominator"] == "9"
    assert june("qs8b", LA2)["rate_percent_suppressed"] == "true"
    assert june("qs8b", LA4)["denominator_suppressed"] == "true" and june("qs8b", LA4)["numerator"] == ""
    assert (
        june("qs8b", LA4)["numerator_suppressed"] == "true" and june("qs8b", LA4)["rate_percent_suppressed"] == "true"
    )
    assert june("qs8b", LA3)["rate_percent_suppressed"] == "false"
    # qs8a May: numerators 1 and 4 are both primary, so no secondary (9, 12 and 0 published).
    may = [
        r for r in qs8 if r["measure"] == "qs8a" and r["period_start"] == "2025-05-01" and r["geography_level"] == "la"
    ]
    assert {r["geography_code"] for r in may if r["numerator_suppressed"] == "true"} == {LA1, LA2}
    # Retention: LA1's retained (3) is primary; row rule takes pending (7); LA rule takes LA2's retained (25);
    # LA2's row then takes its pending (13); each rate with a suppressed input goes.
    retention = _read_csv(tmp_path / "2025-06" / NE / "retention_3_months.csv")
    la1, la2 = _cell(retention, geography_code=LA1), _cell(retention, geography_code=LA2)
    assert (la1["retained"], la1["pending"], la1["not_retained"], la1["new_presentations"]) == ("", "", "10", "20")
    assert (la2["retained"], la2["pending"], la2["not_retained"]) == ("", "", "12")
    assert la1["retention_rate_percent_suppressed"] == la2["retention_rate_percent_suppressed"] == "true"
    assert _cell(retention, geography_code=NE)["retention_rate_percent_suppressed"] == "false"
    # A rate with no denominator stays empty and is not marked suppressed; zeros are published.
    concordance = _read_csv(tmp_path / "2025-06" / NE / "nice_concordance.csv")
    la1_nc = _cell(concordance, geography_code=LA1)
    assert (la1_nc["journeys_with_psychosocial"], la1_nc["share_percent"], la1_nc["share_percent_suppressed"]) == (
        "0",
        "",
        "false",
    )


def test_html_is_self_contained_with_charts(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    html = (tmp_path / "2025-06" / NE / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower() and "<link" not in html.lower() and "src=" not in html
    assert html.count("<svg") == 4 and "<polyline" in html and "<rect" in html
    assert "North East" in html and "Hartlepool" in html and "Data as of" in html and "30 June 2025" in html
    assert 'title="suppressed for disclosure control (not zero)">*</td>' in html
    assert "Disclosure control" in html


def test_no_attributor_columns_leave(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    for path in (tmp_path / "2025-06" / NE).glob("*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert not [c for c in header if ATTRIBUTOR_LIKE.search(c)], path
    with pytest.raises(AttributorError):
        assert_no_attributors("x.csv", ["geography_code", "client_key"])
    for name in ("CLIENTID", "dob", "finitial", "SINITIAL", "episode_key"):
        with pytest.raises(AttributorError):
            assert_no_attributors("x.csv", [name])


def test_output_is_deterministic(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    publish_region_pack(con, NE, JUNE, tmp_path / "a", months_back=2)
    publish_region_pack(con, NE, JUNE, tmp_path / "b", months_back=2)
    first, second = tmp_path / "a" / "2025-06" / NE, tmp_path / "b" / "2025-06" / NE
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_works_on_a_read_only_snapshot_and_generated_at_is_optional(tmp_path: Path) -> None:
    snapshot = tmp_path / "serving.duckdb"
    writer = duckdb.connect(str(snapshot))
    make_marts(writer)
    writer.close()
    reader = duckdb.connect(str(snapshot), read_only=True)
    try:
        publish_region_pack(reader, NE, JUNE, tmp_path / "a", months_back=2)
        publish_region_pack(reader, NE, JUNE, tmp_path / "b", months_back=2, generated_at="2025-07-02T06:00:00Z")
    finally:
        reader.close()
    plain = (tmp_path / "a" / "2025-06" / NE / "manifest.json").read_text()
    stamped = (tmp_path / "b" / "2025-06" / NE / "manifest.json").read_text()
    assert "generated_at" not in plain and json.loads(stamped)["generated_at"] == "2025-07-02T06:00:00Z"
    assert "2025-07-02T06:00:00Z" in (tmp_path / "b" / "2025-06" / NE / "index.html").read_text()


def test_rerun_replaces_the_pack_whole(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    pack = tmp_path / "2025-06" / NE
    (pack / "stale.txt").write_text("left over from an old run")
    before = (pack / "qs8_measures.csv").read_bytes()
    con.execute(f"update marts.qs8_measures set numerator = 1001 where geography_code = '{ENGLAND}'")
    publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    assert not (pack / "stale.txt").exists()
    assert (pack / "qs8_measures.csv").read_bytes() != before
    assert sorted(p.name for p in (tmp_path / "2025-06").iterdir()) == [NE]  # no temp or old dirs left beside it


def test_failed_run_leaves_the_old_pack(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    pack = tmp_path / "2025-06" / NE
    before = {p.name: p.read_bytes() for p in pack.iterdir()}

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr("orchestration.publication.pack.render_index", broken)
    with pytest.raises(RuntimeError, match="rendering failed"):
        publish_region_pack(con, NE, JUNE, tmp_path, months_back=2)
    assert {p.name: p.read_bytes() for p in pack.iterdir()} == before
    assert sorted(p.name for p in (tmp_path / "2025-06").iterdir()) == [NE]


def test_publish_all_regions_defaults_to_latest_complete_month(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    reference = tmp_path / "la_regions.csv"
    reference.write_text(
        "la_code,la_name,region_code,region_name\n"
        + "".join(f"{la},LA {la},{NE},North East\n" for la in (LA1, LA2, LA3, LA4, LA5))
        + f"{NW_LA},Halton,{NW},North West\nZ00B,Out of England,Z00B,Out of England\n"
    )
    out = tmp_path / "packs"
    summaries = publish_all_regions(con, None, out, months_back=2, la_regions_csv=reference)
    assert [(s.region_code, s.month) for s in summaries] == [(NE, JUNE), (NW, JUNE), ("Z00B", JUNE)]
    nw = _read_csv(out / "2025-06" / NW / "qs8_measures.csv")
    assert {r["geography_code"] for r in nw} == {ENGLAND, NW, NW_LA}
    z00b = _read_csv(out / "2025-06" / "Z00B" / "qs8_measures.csv")
    assert {r["geography_code"] for r in z00b} == {ENGLAND}  # no Z00B rows in the data: England only
    # the NE pack is the same whether written alone or with all regions
    alone = tmp_path / "alone"
    publish_region_pack(con, NE, JUNE, alone, months_back=2, la_regions_csv=reference)
    for path in (alone / "2025-06" / NE).iterdir():
        assert path.read_bytes() == (out / "2025-06" / NE / path.name).read_bytes()


def test_usage_errors(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(PublicationError, match="not complete"):
        publish_region_pack(con, NE, date(2025, 7, 1), tmp_path)
    with pytest.raises(PublicationError, match="unknown region"):
        publish_region_pack(con, "E12999999", JUNE, tmp_path)
    empty = duckdb.connect()
    empty.execute("create schema marts")
    with pytest.raises(PublicationError, match="lacks"):
        publish_all_regions(empty, None, tmp_path)
    assert not any(tmp_path.iterdir())


# --------------------------------------------------------------------------------- release and presentation


def _manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def test_release_metadata_in_the_page_and_the_manifest(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    (landing / "_generator").mkdir(parents=True)  # the generator's marker: synthetic data
    monkeypatch.setenv("JOURNEYS_LANDING", str(landing))
    monkeypatch.delenv("JOURNEYS_SYNTHETIC", raising=False)
    monkeypatch.setenv("JOURNEYS_RELEASE_CONTACT", "stats@example.org")
    pack = publish_region_pack(con, NE, JUNE, tmp_path / "out", months_back=2).path
    release = _manifest(pack)["release"]
    assert release["synthetic_data"] is True and release["statistics_status"] == "synthetic data for demonstration"
    assert (release["publication_date"], release["next_release_date"]) == ("2025-07-05", "2025-08-05")
    assert release["contact"] == "stats@example.org" and "submissions" in release["source"]
    assert "recalculates" in release["revisions_policy"]
    html = (pack / "index.html").read_text(encoding="utf-8")
    for fact in ("5 July 2025", "5 August 2025", "Synthetic data.", "stats@example.org", "Revisions", "Source"):
        assert fact in html
    # real data: the configured status, no synthetic statement; generated_at sets the publication date
    monkeypatch.setenv("JOURNEYS_SYNTHETIC", "0")
    monkeypatch.setenv("JOURNEYS_STATISTICS_STATUS", "management information")
    pack = publish_region_pack(con, NE, JUNE, tmp_path / "real", months_back=2, generated_at="2025-07-09T06:00:00Z")
    release = _manifest(pack.path)["release"]
    assert (release["synthetic_data"], release["statistics_status"]) == (False, "management information")
    assert (release["publication_date"], release["next_release_date"]) == ("2025-07-09", "2025-08-05")
    assert "Synthetic data." not in (pack.path / "index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("JOURNEYS_STATISTICS_STATUS", "national treasure")
    with pytest.raises(PublicationError, match="JOURNEYS_STATISTICS_STATUS"):
        publish_region_pack(con, NE, JUNE, tmp_path / "bad", months_back=2)


def test_a_region_without_data_says_so(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    london = "E12000007"
    assert regions_with_data(con) == [NE, NW]
    pack = publish_region_pack(con, london, JUNE, tmp_path, months_back=2).path
    areas = _manifest(pack)["geographies"]
    assert areas["region_has_data"] is False and areas["las"] == [] and len(areas["las_without_data"]) == 33
    html = (pack / "index.html").read_text(encoding="utf-8")
    assert "No data for London." in html and "No data for this region" in html
    assert "City of London" not in html  # no LA rows of empty cells
    # a region with data lists its LAs without data by name, instead of rows of "–"
    ne = publish_region_pack(con, NE, JUNE, tmp_path / "ne", months_back=2).path
    assert "E06000047" in _manifest(ne)["geographies"]["las_without_data"]
    assert "Local authorities" in (ne / "index.html").read_text(encoding="utf-8")


def test_incomplete_periods_are_marked(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    pack = publish_region_pack(con, NE, JUNE, tmp_path, months_back=2).path
    manifest = _manifest(pack)
    assert manifest["financial_year"]["year_to_date"] is True
    assert manifest["provisional_periods"] == {
        "qs8_measures.csv": ["2025-04"],
        "retention_3_months.csv": ["2025-05"],
        "transfer_outcomes.csv": ["2025-06"],
    }
    transfers = _read_csv(pack / "transfer_outcomes.csv")
    assert {r["provisional"] for r in transfers} == {"true"}
    html = (pack / "index.html").read_text(encoding="utf-8")
    assert "Year to date: April to June 2025 only" in html and 'class="provisional"' in html


def test_data_dictionary_documents_every_column(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    pack = publish_region_pack(con, NE, JUNE, tmp_path, months_back=2).path
    dictionary = _read_csv(pack / "data_dictionary.csv")
    for path in pack.glob("*.csv"):
        if path.name == "data_dictionary.csv":
            continue
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        documented = [r["column"] for r in dictionary if r["file"] == path.name]
        assert documented == header, path.name
    rows = {(r["file"], r["column"]): r for r in dictionary}
    rate = rows[("retention_3_months.csv", "retention_rate_percent")]
    assert rate["unit"] == "percent (0 to 100)" and "1 decimal place" in rate["rounding"]
    assert rows[("retention_3_months.csv", "retention_rate_percent")]["measure"] == "retention at 12 weeks"
    assert all(r["meaning"] and r["type"] for r in dictionary)


def test_charts_have_axis_titles_and_keep_suppressed_points_off_the_axis(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    pack = publish_region_pack(con, NE, JUNE, tmp_path, months_back=2).path
    html = (pack / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r"<svg .*?</svg>", html, flags=re.DOTALL)
    assert len(charts) == 4
    for chart in charts:
        assert 'class="axis-title y-title">%' in chart and 'class="axis-title x-title">' in chart
    assert html.count("Denominator:") == 4
    # a suppressed point is not drawn: it is marked "*" in a band below the x axis, never at 0%
    series = Series("North East", (25.0, None, 50.0), (False, True, False), "#000", provisional=(False, False, True))
    svg = line_chart(Axes("t", "% of people", "Month"), ["a", "b", "c"], [series])
    base = float(re.search(r'<line x1="[\d.]+" y1="([\d.]+)"[^>]*class="axis"', svg).group(1))
    marks = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*class="suppressed"', svg)]
    assert len(marks) == 1 and marks[0] > base + 16  # below the x labels too
    assert svg.count("<circle") == 2 and svg.count('class="provisional"') == 1
    assert "suppressed for disclosure control (not zero)" in svg
