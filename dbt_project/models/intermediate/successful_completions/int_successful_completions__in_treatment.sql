{# Clients in treatment per 12-month window and geography unit, with their substance group there
    (measures.md v2 "Successful completions": in treatment, substance group).
    A client is in treatment at unit U in window W = [period_start, period_end] when one of their in-treatment
    episodes at U overlaps W: triage_date <= period_end and (discharge_date is blank or >= period_start).
    National: at any provider (each client once). Provider / LA / region: the episode's own.
    substance_group = the group (from DRUG1) of the client's qualifying episode at U that is last by
    (triage_date, provider_code, episode_id), so each client is in exactly one group per (W, U).
    One row per (period_end, geography_level, geography_code, client_key). #}

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
    period_start,
    period_end,
    cast(geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(geography_code as {{ dbt.type_string() }}) as geography_code,
    client_key,
    substance_group
from ranked
where latest_rank = 1
