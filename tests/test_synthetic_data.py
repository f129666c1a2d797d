"""The synthetic generator's data (orchestration.synthetic): date rules, keys, codes, realism of the proportions
and headline figures, interventions, transfers, cumulative files and corrections."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
from generated_files import DRUGS, LA_CODES, SUBINT_TYPE, one

from orchestration.settings import SEEDS_DIR
from orchestration.synthetic import GenerateSummary


@pytest.fixture(scope="module")
def rows(demo: tuple[Path, GenerateSummary]) -> duckdb.DuckDBPyConnection:
    out, _ = demo
    con = duckdb.connect()
    con.execute(
        f"""create table r as
        select *, regexp_extract(filename, '_(\\d{{4}}-\\d{{2}})\\.csv$', 1) as month
        from read_csv('{out.as_posix()}/P*/*.csv', all_varchar=true, filename=true, header=true)"""
    )
    # latest version of each episode, each intervention and each sub-intervention (latest month wins)
    con.execute(
        """create table episodes as select * from r
        qualify row_number() over (partition by AGNCY, EPISODID order by month desc) = 1"""
    )
    con.execute(
        """create table subs as select * from r where SUBID is not null
        qualify row_number() over (partition by AGNCY, EPISODID, MODID, SUBID order by month desc) = 1"""
    )
    return con


def test_date_rules_hold_on_every_row(rows: duckdb.DuckDBPyConnection) -> None:
    """The date rules of the format, checked by DuckDB on every row of every file."""
    con = rows
    con.execute(
        """create or replace temp view d as select month, last_day((month || '-01')::date) month_end, DISRSN, MODEXIT,
        MODID, SUBID, DOB::date dob, REFLD::date refld, TRIAGED::date triaged, DISD::date disd, MODST::date modst,
        MODEND::date modend, SUBST::date subst, SUBEND::date subend from r"""
    )
    broken = dict(
        con.execute(
            """select rule, count(*) from (
            select unnest([
                case when triaged < refld then 'TRIAGED >= REFLD' end,
                case when disd < coalesce(triaged, refld) then 'DISD >= TRIAGED/REFLD' end,
                case when (disd is null) <> (DISRSN is null) then 'DISRSN with DISD' end,
                case when MODID is not null and (triaged is null or modst < triaged) then 'MODST >= TRIAGED' end,
                case when modend < modst or modend > disd then 'MODST <= MODEND <= DISD' end,
                case when (modend is null) <> (MODEXIT is null) then 'MODEXIT with MODEND' end,
                case when SUBID is not null and (subst < modst or subst is null) then 'SUBST >= MODST' end,
                case when subend < subst or subend > modend then 'SUBST <= SUBEND <= MODEND' end,
                case when extract(year from age(coalesce(triaged, refld), dob)) not between 18 and 110
                     then 'age 18-110' end,
                case when greatest(dob, refld, triaged, disd, modst, modend, subst, subend) > month_end
                     then 'no date after the month' end
            ]) rule from d) where rule is not null group by rule"""
        ).fetchall()
    )
    assert broken == {}
    rows_checked = one(con, "select count(*) from d")[0]
    assert rows_checked > 50_000


def test_keys_are_unique_and_attributors_link_people(rows: duckdb.DuckDBPyConnection) -> None:
    con = rows
    duplicates = one(con, "select count(*) - count(distinct (filename, AGNCY, EPISODID, MODID, SUBID)) from r")
    assert duplicates == (0,)
    # an episode id belongs to one client at one provider; a CLIENTID to one person at one provider
    assert one(
        con, "select count(*) from (select AGNCY, EPISODID from r group by all having count(distinct CLIENTID) > 1)"
    ) == (0,)
    assert one(
        con,
        """select count(*) from (select AGNCY, CLIENTID from r group by all
                       having count(distinct (FINITIAL, SINITIAL, DOB, SEX)) > 1)""",
    ) == (0,)
    linked = one(
        con,
        """select count(*) from (select FINITIAL, SINITIAL, DOB, SEX from r group by all
                         having count(distinct AGNCY) > 1)""",
    )[0]
    assert linked > 50  # transfers, re-presentations elsewhere and concurrent episodes link people across providers


def test_codes_come_from_the_seeds(rows: duckdb.DuckDBPyConnection) -> None:
    con = rows
    las = {code for (code,) in con.execute("select distinct LA from r").fetchall()}
    assert las <= LA_CODES and "Z00B" in las
    assert {d for (d,) in con.execute("select distinct DRUG1 from r").fetchall()} <= set(DRUGS)
    pairs = con.execute("select distinct MODAL, SUBINT from r where SUBID is not null").fetchall()
    assert all(SUBINT_TYPE[code] == modal for modal, code in pairs)
    assert {code for _, code in pairs} == set(SUBINT_TYPE) - {"RECDAP"} or len(pairs) >= 28
    assert {s for (s,) in con.execute("select distinct MODSET from r where MODSET is not null").fetchall()} == set(
        "123456"
    )


# -- realism ------------------------------------------------------------------------------------------------------
def test_realism_proportions(rows: duckdb.DuckDBPyConnection) -> None:
    con = rows
    groups = dict(
        con.execute(
            """select g.substance_group, count(*) / sum(count(*)) over ()
            from episodes e join read_csv(?) g on e.DRUG1 = g.drug_code::varchar group by all""",
            [str(SEEDS_DIR / "drug_codes.csv")],
        ).fetchall()
    )
    assert groups["opiate"] == pytest.approx(0.44, abs=0.05)
    assert groups["alcohol"] == pytest.approx(0.30, abs=0.05)
    assert groups["non-opiate"] == pytest.approx(0.26, abs=0.05)
    need, depanx_of_need, treated_of_depanx = one(
        con,
        """select avg((MHNEED = 'Y')::int), avg((DEPANX = 'Y')::int) filter (where MHNEED = 'Y'),
        avg((MHPSYTX = 'Y')::int) filter (where DEPANX = 'Y') from episodes""",
    )
    assert need == pytest.approx(0.70, abs=0.05)
    assert 0.45 < depanx_of_need < 0.8 and 0.1 < treated_of_depanx < 0.4
    exits = dict(
        con.execute(
            """select DISRSN, count(*) / sum(count(*)) over () from episodes
            where DISD is not null and TRIAGED is not null group by all"""
        ).fetchall()
    )
    success = exits.get("80", 0) + exits.get("81", 0) + exits.get("82", 0)
    assert 0.40 < success < 0.60
    assert 0.04 < exits["83"] < 0.10 and 0.02 < exits["84"] < 0.07 and 0 < exits["89"] < 0.04
    assert one(con, "select count(*) from episodes where DISRSN = '81' and DRUG1 <> '7000'") == (0,)
    assert one(con, "select count(*) from episodes where DISRSN = '82' and DRUG1 in ('1011','1105','1200','3201')") == (
        0,
    )
    referral_only, closed_88, open_episodes = one(
        con,
        """select count(*) filter (where TRIAGED is null), count(*) filter (where TRIAGED is null and DISRSN = '88'),
        count(*) filter (where DISD is null and month = '2026-06') from episodes""",
    )
    assert referral_only > 40 and closed_88 > 20 and open_episodes > 300


def test_headline_indicator_figures(rows: duckdb.DuckDBPyConnection) -> None:
    """What makes the v2 indicators real: waits from referral to first intervention mostly within 3 weeks with a
    tail; deaths in treatment at about 1-2% of the people in treatment in a year; successful completions followed
    by a new presentation, some within 6 months and some later."""
    con = rows
    within, over_6_weeks = one(
        con,
        """with waits as (
            select min(r.MODST::date) - any_value(e.REFLD::date) as wait
            from episodes as e join r on r.AGNCY = e.AGNCY and r.EPISODID = e.EPISODID and r.month = e.month
            where e.TRIAGED is not null and r.MODST is not null group by e.AGNCY, e.EPISODID)
        select avg((wait <= 21)::int), count(*) filter (where wait > 42) from waits""",
    )
    assert 0.85 < within < 0.97 and over_6_weeks > 10
    in_treatment, died = one(
        con,
        """select count(distinct (FINITIAL, SINITIAL, DOB, SEX)), count(distinct (FINITIAL, SINITIAL, DOB, SEX))
            filter (where DISRSN = '89' and DISD::date between '2025-01-01' and '2025-12-31')
        from episodes where TRIAGED::date <= '2025-12-31' and (DISD is null or DISD::date >= '2025-01-01')""",
    )
    assert 0.008 < died / in_treatment < 0.025
    soon, later = one(
        con,
        """with completions as (
            select (FINITIAL, SINITIAL, DOB, SEX) as person, DISD::date as ended from episodes
            where DISRSN in ('80', '81', '82')),
        returns as (
            select c.ended, min(e.TRIAGED::date) as next_triage from completions as c
            join episodes as e on (e.FINITIAL, e.SINITIAL, e.DOB, e.SEX) = c.person and e.TRIAGED::date > c.ended + 21
            group by c.person, c.ended)
        select count(*) filter (where next_triage <= ended + interval 6 month),
               count(*) filter (where next_triage > ended + interval 6 month) from returns""",
    )
    assert soon > 20 and later > 5


def test_interventions_are_plausible(rows: duckdb.DuckDBPyConnection) -> None:
    con = rows
    pharma_opiate, pharma_other = one(
        con,
        """select avg((has94)::int) filter (where opiate), avg((has94)::int) filter (where not opiate) from (
            select AGNCY, EPISODID, bool_or(MODAL = '94') as has94, bool_or(DRUG1 in ('1011','1105','1200')) opiate
            from r where TRIAGED is not null and month = '2026-06' group by all)""",
    )
    assert pharma_opiate > 0.7 and pharma_other < 0.3
    first = dict(
        con.execute(
            """select SUBINT, count(*) / sum(count(*)) over () from subs where MODAL = '95' and SUBID = '1'
            group by all"""
        ).fetchall()
    )
    assert first["PSYMOTI"] > 0.3 and 0.05 < first.get("PSYCGBH", 0) + first.get("PSYDNMC", 0) < 0.3
    mental_health = one(
        con,
        """select avg(has::int) from (select AGNCY, EPISODID, bool_or(SUBINT = 'PSYMNTH') has from r
        where DEPANX = 'Y' and MODAL = '95' group by all)""",
    )[0]
    assert 0.2 < mental_health < 0.7
    assert one(con, "select count(*) from subs where SUBINT = 'PSYMNTH' and DEPANX <> 'Y'")[0] < 5
    spanning = one(
        con,
        """select count(*) from subs where SUBST <= '2025-03-31' and coalesce(SUBEND, '9999') >= '2025-04-01'""",
    )[0]
    assert spanning > 50
    no_sub_rows, no_intervention_rows = one(
        con,
        """select count(*) filter (where MODID is not null and SUBID is null),
        count(*) filter (where MODID is null) from r""",
    )
    assert no_sub_rows > 0 and no_intervention_rows > 0
    assert one(con, "select count(*) from r where MODSET = '6'")[0] > 0  # picked up in custody


def _episodes_by_person(con: duckdb.DuckDBPyConnection) -> dict[tuple, list[tuple]]:
    people: dict[tuple, list[tuple]] = defaultdict(list)
    for key, agency, episode, triaged, discharged, reason in con.execute(
        """select (FINITIAL, SINITIAL, DOB, SEX), AGNCY, EPISODID, TRIAGED::date, DISD::date, DISRSN from episodes
        where TRIAGED is not null order by all"""
    ).fetchall():
        people[key].append((triaged, agency, episode, discharged, reason))
    return people


def test_transfers_gaps_and_concurrency(rows: duckdb.DuckDBPyConnection) -> None:
    """Transfers mostly picked up (some before discharge, a few 15-21 days later, some lost); re-presentations
    just inside and just outside 21 days; concurrent episodes at two providers."""
    outcomes: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    concurrent = 0
    as_of = date(2026, 6, 30)
    for episodes in _episodes_by_person(rows).values():
        episodes.sort(key=lambda e: (e[0], e[1], e[2]))
        for i, (triaged, agency, _, discharged, reason) in enumerate(episodes):
            later = [e for e in episodes if e[0] > triaged]
            if discharged is not None and reason in ("83", "84"):
                candidates = [e for e in later if (e[0] - discharged).days <= 21]
                if candidates:
                    gap = min((e[0] - discharged).days for e in candidates)
                    outcomes["negative" if gap < 0 else "15-21" if gap >= 15 else "picked_up"] += 1
                else:
                    outcomes["pending" if (as_of - discharged).days < 21 else "lost"] += 1
            elif discharged is not None and later:
                gap = (later[0][0] - discharged).days
                gaps["15-21" if 15 <= gap <= 21 else "22-30" if 22 <= gap <= 30 else "other"] += 1
            if any(e[1] != agency and e[0] > triaged and (discharged is None or e[0] < discharged) for e in later):
                concurrent += 1
            del i
    picked = outcomes["negative"] + outcomes["15-21"] + outcomes["picked_up"]
    assert picked / (picked + outcomes["lost"]) > 0.65
    assert outcomes["negative"] > 0 and outcomes["15-21"] > 0 and outcomes["lost"] > 0
    assert gaps["15-21"] >= 5 and gaps["22-30"] >= 5
    assert concurrent >= 10


# -- cumulative files ---------------------------------------------------------------------------------------------
def test_cumulative_files_show_what_was_known(rows: duckdb.DuckDBPyConnection) -> None:
    con = rows
    # every record is within its month and its window; nothing after the month's last day
    assert one(
        con,
        """select count(*) from r where REFLD > last_day((month || '-01')::date)::varchar
        or (DISD is not null and DISD::date < (month || '-01')::date - interval 23 month)""",
    ) == (0,)
    # an episode discharged in the window appears without DISD before its discharge month and with it later
    opened, discharged = one(
        con,
        """select count(*) filter (where r.DISD is null and r.month < left(e.DISD, 7)),
        count(*) filter (where r.DISD = e.DISD and r.month > left(e.DISD, 7))
        from r join episodes e using (AGNCY, EPISODID) where e.DISD between '2025-03-01' and '2026-03-31'""",
    )
    assert opened > 100 and discharged > 100
    # episodes discharged more than 24 months before a file are not in it: in the first files, gone by the last
    dropped = one(
        con,
        """select count(*) from (select AGNCY, EPISODID, max(month) last_month, max(DISD) d from r
        where DISD < '2024-06-01' group by all) where last_month < '2026-06'""",
    )[0]
    assert dropped > 20
    assert one(con, "select count(*) from r where month = '2026-06' and DISD < '2024-07-01'") == (0,)
    # histories started before the data window opened
    assert one(con, "select count(*) from episodes where TRIAGED < '2023-01-01'")[0] > 20
    # interventions appear only once started; their ends are blank until reached
    assert one(con, "select count(*) from r where MODST > last_day((month || '-01')::date)::varchar") == (0,)


def test_corrections_and_vanishing_records(rows: duckdb.DuckDBPyConnection) -> None:
    con = rows
    changed = dict(
        con.execute(
            """select field, count(*) from (
                select 'DRUG1' field, AGNCY, EPISODID from r group by all having count(distinct DRUG1) > 1
                union all select 'DISD', AGNCY, EPISODID from r group by all having count(distinct DISD) > 1
                union all select 'SUBEND', AGNCY, EPISODID from r where SUBID is not null
                    group by AGNCY, EPISODID, MODID, SUBID having count(distinct SUBEND) > 1)
            group by field"""
        ).fetchall()
    )
    assert changed.get("DRUG1", 0) >= 3 and changed.get("DISD", 0) >= 3 and changed.get("SUBEND", 0) >= 3
    vanished = one(
        con,
        """select count(*) from (
            select AGNCY, EPISODID, MODID, SUBID, max(month) last_seen from r where SUBID is not null group by all)
        s join (select AGNCY, EPISODID, max(month) last_month from r group by all) e using (AGNCY, EPISODID)
        where s.last_seen < e.last_month""",
    )[0]
    gaps = one(
        con,
        """select count(*) from (select AGNCY, EPISODID, count(distinct month) n, min(month) a, max(month) b
        from r group by all) where n < datediff('month', (a || '-01')::date, (b || '-01')::date) + 1""",
    )[0]
    assert vanished >= 3 and gaps >= 1
