{# Counts over the geography fan-out of the journeys, like retention_3_months; median() is dispatched per engine. #}

with journeys as (
    select
        journeys.cohort_month,
        journeys.provider_code,
        journeys.la_code,
        journeys.region_code,
        waits.wait_status,
        case when waits.wait_status = 'started' then waits.wait_days end as started_wait_days
    from {{ ref('int_journeys__journeys') }} as journeys
    inner join {{ ref('int_waiting_times__journeys') }} as waits
        on journeys.journey_key = waits.journey_key
),

by_geography as (
    {{ geography_levels('journeys', ['cohort_month', 'wait_status', 'started_wait_days']) }}
),

counted as (
    select
        cohort_month,
        geography_level,
        geography_code,
        count(*) as new_presentations,
        sum(case when wait_status = 'started' then 1 else 0 end) as started,
        sum(case when started_wait_days <= {{ var('wait_target_days') }} then 1 else 0 end) as within_3_weeks,
        sum(case when started_wait_days > {{ var('wait_target_days') }} then 1 else 0 end) as over_3_weeks,
        sum(case when wait_status = 'waiting' then 1 else 0 end) as waiting,
        sum(case when wait_status = 'no_intervention' then 1 else 0 end) as no_intervention,
        {{ median('started_wait_days') }} as median_wait_days
    from by_geography
    group by cohort_month, geography_level, geography_code
)

select
    cohort_month,
    cast(geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(geography_code as {{ dbt.type_string() }}) as geography_code,
    cast(new_presentations as {{ dbt.type_bigint() }}) as new_presentations,
    cast(started as {{ dbt.type_bigint() }}) as started,
    cast(within_3_weeks as {{ dbt.type_bigint() }}) as within_3_weeks,
    cast(over_3_weeks as {{ dbt.type_bigint() }}) as over_3_weeks,
    cast(waiting as {{ dbt.type_bigint() }}) as waiting,
    cast(no_intervention as {{ dbt.type_bigint() }}) as no_intervention,
    {{ safe_rate('within_3_weeks', 'started') }} as share_within_3_weeks,
    cast(median_wait_days as {{ type_double() }}) as median_wait_days
from counted
