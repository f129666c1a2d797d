{# least(period_end, as_of) is applied here, so only the incomplete period is affected. #}

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
    {{ qs8_period_columns('periods') }},
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
