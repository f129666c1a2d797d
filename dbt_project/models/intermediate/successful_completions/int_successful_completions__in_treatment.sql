{# The substance group is picked with row_number() over the client's qualifying episodes at the unit. #}

with episodes as (
    select
        provider_code,
        episode_id,
        client_key,
        la_code,
        region_code,
        triage_date,
        discharge_date,
        substance_group
    from {{ ref('int_journeys__episodes') }}
    where in_treatment
        and client_key is not null
),

windows as (
    select
        period_start,
        period_end
    from {{ ref('int_successful_completions__windows') }}
),

qualifying as (
    select
        windows.period_start,
        windows.period_end,
        episodes.*
    from episodes
    inner join windows
        on episodes.triage_date <= windows.period_end
            and (episodes.discharge_date is null or episodes.discharge_date >= windows.period_start)
),

by_geography as (
    {{ geography_levels('qualifying', [
        'period_start', 'period_end', 'client_key', 'substance_group', 'triage_date',
        'provider_code as episode_provider_code', 'episode_id',
    ]) }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by period_end, geography_level, geography_code, client_key
            order by triage_date desc, episode_provider_code desc, episode_id desc
        ) as latest_rank
    from by_geography
)

select
    {{ completions_grain_columns() }},
    client_key,
    substance_group
from ranked
where latest_rank = 1
