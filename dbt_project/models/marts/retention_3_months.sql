{# Counts over the geography fan-out of int_journeys__journeys; no zero rows because it groups existing journeys. #}

with journeys as (
    select
        cohort_month,
        provider_code,
        la_code,
        region_code,
        retention_status
    from {{ ref('int_journeys__journeys') }}
),

by_geography as (
    {{ geography_levels('journeys', ['cohort_month', 'retention_status']) }}
),

counted as (
    select
        cohort_month,
        geography_level,
        geography_code,
        count(*) as new_presentations,
        sum(case when retention_status = 'retained' then 1 else 0 end) as retained,
        sum(case when retention_status = 'not_retained' then 1 else 0 end) as not_retained,
        sum(case when retention_status = 'pending' then 1 else 0 end) as pending
    from by_geography
    group by cohort_month, geography_level, geography_code
)

select
    cohort_month,
    geography_level,
    geography_code,
    cast(new_presentations as {{ dbt.type_bigint() }}) as new_presentations,
    cast(retained as {{ dbt.type_bigint() }}) as retained,
    cast(not_retained as {{ dbt.type_bigint() }}) as not_retained,
    cast(pending as {{ dbt.type_bigint() }}) as pending,
    {{ safe_rate('retained', 'retained + not_retained') }} as retention_rate
from counted
