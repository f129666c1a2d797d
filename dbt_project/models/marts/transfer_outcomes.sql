{# Counts over the geography fan-out of int_journeys__transfers; no zero rows because it groups existing transfers. #}

with transfers as (
    select
        {{ month_start('discharge_date') }} as month,
        from_provider_code,
        from_la_code,
        from_region_code,
        outcome
    from {{ ref('int_journeys__transfers') }}
),

by_geography as (
    {{ geography_levels('transfers', ['month', 'outcome'],
                        provider='from_provider_code', la='from_la_code', region='from_region_code') }}
),

counted as (
    select
        month,
        geography_level,
        geography_code,
        count(*) as transfers,
        sum(case when outcome = 'picked_up' then 1 else 0 end) as picked_up,
        sum(case when outcome = 'lost' then 1 else 0 end) as lost,
        sum(case when outcome = 'pending' then 1 else 0 end) as pending
    from by_geography
    group by month, geography_level, geography_code
)

select
    month,
    geography_level,
    geography_code,
    cast(transfers as {{ dbt.type_bigint() }}) as transfers,
    cast(picked_up as {{ dbt.type_bigint() }}) as picked_up,
    cast(lost as {{ dbt.type_bigint() }}) as lost,
    cast(pending as {{ dbt.type_bigint() }}) as pending,
    {{ safe_rate('picked_up', 'picked_up + lost') }} as pickup_rate
from counted
