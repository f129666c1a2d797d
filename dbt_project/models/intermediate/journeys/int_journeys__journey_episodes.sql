{# Gaps and islands: an open earlier episode counts as discharged at +infinity. The running max of
    discharge_date over all the client's earlier episodes equals the one within the current journey (every
    earlier journey ended more than the gap before it started), so no recursion is needed. #}

with episodes as (
    select
        episode_key,
        provider_code,
        episode_id,
        client_key,
        triage_date,
        discharge_date
    from {{ ref('int_journeys__episodes') }}
    where in_treatment
        and client_key is not null
),

running as (
    select
        *,
        max(discharge_date) over (
            partition by client_key
            order by triage_date, provider_code, episode_id
            rows between unbounded preceding and 1 preceding
        ) as previous_max_discharge,
        max(case when discharge_date is null then 1 else 0 end) over (
            partition by client_key
            order by triage_date, provider_code, episode_id
            rows between unbounded preceding and 1 preceding
        ) as previous_open,
        row_number() over (
            partition by client_key
            order by triage_date, provider_code, episode_id
        ) as client_episode_seq
    from episodes
),

flagged as (
    select
        *,
        case
            when client_episode_seq = 1 then 1
            when previous_open = 1 then 0
            when {{ days_between('previous_max_discharge', 'triage_date') }} <= {{ var('journey_gap_days') }} then 0
            else 1
        end as starts_journey
    from running
),

numbered as (
    select
        *,
        sum(starts_journey) over (
            partition by client_key
            order by triage_date, provider_code, episode_id
            rows between unbounded preceding and current row
        ) as journey_seq
    from flagged
)

select
    episode_key,
    client_key,
    {{ dbt.concat(['client_key', "':'", dbt.safe_cast('journey_seq', dbt.type_string())]) }} as journey_key,
    cast(journey_seq as {{ dbt.type_bigint() }}) as journey_seq,
    cast(row_number() over (
        partition by client_key, journey_seq
        order by triage_date, provider_code, episode_id
    ) as {{ dbt.type_bigint() }}) as episode_seq_in_journey,
    starts_journey = 1 as is_journey_start
from numbered
