{# The exit episode is rank 1 of row_number() over the journey's episodes: an open one first, then the latest
    discharge_date, then the last by (triage_date, provider_code, episode_id). #}

with members as (
    select
        je.journey_key,
        je.client_key,
        je.journey_seq,
        je.episode_seq_in_journey,
        e.episode_key,
        e.provider_code,
        e.episode_id,
        e.la_code,
        e.region_code,
        e.triage_date,
        e.discharge_date,
        e.discharge_reason
    from {{ ref('int_journeys__journey_episodes') }} as je
    inner join {{ ref('int_journeys__episodes') }} as e
        on je.episode_key = e.episode_key
),

as_of as (
    select as_of from {{ ref('int_journeys__as_of') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by journey_key
            order by
                case when discharge_date is null then 1 else 0 end desc,
                discharge_date desc,
                triage_date desc, provider_code desc, episode_id desc
        ) as end_rank
    from members
),

aggregated as (
    select
        journey_key,
        client_key,
        journey_seq,
        min(triage_date) as start_date,
        max(case when discharge_date is null then 1 else 0 end) as any_open,
        max(discharge_date) as latest_discharge,
        count(*) as episode_count,
        count(distinct provider_code) as provider_count
    from members
    group by journey_key, client_key, journey_seq
),

first_episode as (
    select
        journey_key,
        provider_code,
        la_code,
        region_code
    from members
    where episode_seq_in_journey = 1
),

last_episode as (
    select
        journey_key,
        discharge_reason,
        episode_key
    from ranked
    where end_rank = 1
),

journeys as (
    select
        a.journey_key,
        a.client_key,
        a.journey_seq,
        a.start_date,
        case when a.any_open = 1 then null else a.latest_discharge end as end_date,
        a.episode_count,
        a.provider_count,
        f.provider_code,
        f.la_code,
        f.region_code,
        case when a.any_open = 1 then null else l.discharge_reason end as exit_reason,
        case when a.any_open = 1 then null else l.episode_key end as exit_episode_key,
        as_of.as_of
    from aggregated as a
    inner join first_episode as f on a.journey_key = f.journey_key
    inner join last_episode as l on a.journey_key = l.journey_key
    cross join as_of
),

measured as (
    select
        journeys.*,
        dr.discharge_group as exit_group,
        {{ days_between('journeys.start_date', 'coalesce(journeys.end_date, journeys.as_of)') }} as days_in_treatment
    from journeys
    left join {{ ref('discharge_reasons') }} as dr
        on journeys.exit_reason = dr.discharge_reason
)

select
    journey_key,
    client_key,
    cast(journey_seq as {{ dbt.type_bigint() }}) as journey_seq,
    start_date,
    {{ month_start('start_date') }} as cohort_month,
    end_date,
    cast(episode_count as {{ dbt.type_bigint() }}) as episode_count,
    cast(provider_count as {{ dbt.type_bigint() }}) as provider_count,
    provider_code,
    la_code,
    region_code,
    exit_reason,
    exit_group,
    exit_episode_key,
    cast(days_in_treatment as {{ dbt.type_bigint() }}) as days_in_treatment,
    case
        when days_in_treatment >= {{ var('retention_days') }} then 'retained'
        when end_date is null then 'pending'
        when exit_reason in ('80', '81', '82') then 'retained'
        when exit_reason in ('83', '84')
            and as_of < {{ add_days('end_date', var('transfer_window_days')) }} then 'pending'
        else 'not_retained'
    end as retention_status
from measured
