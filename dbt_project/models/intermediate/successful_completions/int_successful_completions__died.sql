{# Deaths in treatment per 12-month window and geography unit, at client grain (measures.md v2, died).
    A client died at unit U in window W = [period_start, period_end] when one of their in-treatment episodes at
    U was discharged with DISRSN 89 (var died_discharge_reason) on a date in W, whether or not that episode
    ends its journey. National: any provider. One row per (period_end, geography_level, geography_code,
    client_key). #}

with deaths as (
    select
        windows.period_start,
        windows.period_end,
        e.client_key,
        e.provider_code,
        e.la_code,
        e.region_code
    from {{ ref('int_journeys__episodes') }} as e
    inner join {{ ref('int_successful_completions__windows') }} as windows
        on e.discharge_date >= windows.period_start
            and e.discharge_date <= windows.period_end
    where e.in_treatment
        and e.client_key is not null
        and e.discharge_reason = '{{ var("died_discharge_reason") }}'
),

by_geography as (
    {{ geography_levels('deaths', ['period_start', 'period_end', 'client_key']) }}
)

select distinct
    period_start,
    period_end,
    cast(geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(geography_code as {{ dbt.type_string() }}) as geography_code,
    client_key
from by_geography
