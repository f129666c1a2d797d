{# Candidates are ranked per transferring episode with row_number(); rank 1 is the receiving episode. #}

with episodes as (
    select * from {{ ref('int_journeys__episodes') }}
    where in_treatment
        and client_key is not null
),

as_of as (
    select as_of from {{ ref('int_journeys__as_of') }}
),

transfers as (
    select *
    from episodes
    where discharge_reason in ('83', '84')
        and discharge_date is not null
),

candidates as (
    select
        t.episode_key as from_episode_key,
        r.episode_key as to_episode_key,
        r.provider_code as to_provider_code,
        {{ days_between('t.discharge_date', 'r.triage_date') }} as gap_days,
        row_number() over (
            partition by t.episode_key
            order by
                abs({{ days_between('t.discharge_date', 'r.triage_date') }}),
                r.triage_date, r.provider_code, r.episode_id
        ) as candidate_rank
    from transfers as t
    inner join episodes as r
        on t.client_key = r.client_key
            and t.episode_key <> r.episode_key
            and t.triage_date < r.triage_date
            and r.triage_date <= {{ add_days('t.discharge_date', var('transfer_window_days')) }}
)

select
    t.episode_key,
    t.client_key,
    t.provider_code as from_provider_code,
    t.la_code as from_la_code,
    t.region_code as from_region_code,
    t.triage_date,
    t.discharge_date,
    t.discharge_reason,
    c.to_episode_key,
    c.to_provider_code,
    cast(c.gap_days as {{ dbt.type_bigint() }}) as gap_days,
    case
        when c.to_episode_key is not null then 'picked_up'
        when as_of.as_of < {{ add_days('t.discharge_date', var('transfer_window_days')) }} then 'pending'
        else 'lost'
    end as outcome
from transfers as t
left join candidates as c
    on t.episode_key = c.from_episode_key
        and c.candidate_rank = 1
cross join as_of
