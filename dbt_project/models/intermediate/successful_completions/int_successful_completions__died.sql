{# Windows are joined on the discharge date; geography is the discharging episode's. #}

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
    {{ completions_grain_columns() }},
    client_key
from by_geography
