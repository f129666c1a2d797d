{# In-treatment episodes x the QS8 periods in which they are in treatment (measures.md):
    an episode is in treatment in period P when TRIAGED <= P.end and (DISD is blank or DISD >= P.start).

    - Referral-only episodes (no TRIAGED) never appear: they count in no measure.
    - "Measured up to as_of": P.end is replaced by measure_end = least(P.end, as_of), so for an incomplete period
      only episodes triaged by as_of count. (In valid data no date is later than as_of, so this changes nothing
      for complete periods and only guards the incomplete one.)
    - Geography is the episode's own: provider = AGNCY, la = the episode's LA, region = the LA's region. #}

with periods as (

    select *
    from {{ ref('int_qs8__periods') }}

),

episodes as (

    select
        episode_key,
        client_key,
        provider_code,
        la_code,
        region_code,
        triage_date,
        discharge_date,
        dep_anx,
        mh_psy_tx
    from {{ ref('int_journeys__episodes') }}
    where triage_date is not null
        and client_key is not null

)

select
    periods.period_type,
    periods.period_start,
    periods.period_end,
    periods.measure_end,
    periods.complete,
    episodes.episode_key,
    episodes.client_key,
    episodes.provider_code,
    episodes.la_code,
    episodes.region_code,
    episodes.dep_anx,
    episodes.mh_psy_tx
from episodes
inner join periods
    on episodes.triage_date <= periods.measure_end
        and (episodes.discharge_date is null or episodes.discharge_date >= periods.period_start)
