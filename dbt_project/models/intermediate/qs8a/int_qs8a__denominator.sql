{# Fans each episode-period out to its geography levels (qs8_geography_rows), then keeps distinct clients. #}

with episode_periods as (

    select *
    from {{ ref('int_qs8__episode_periods') }}

),

by_geography as (

    {{ qs8_geography_rows(
        'episode_periods',
        ['period_type', 'period_start', 'period_end', 'complete', 'client_key']
    ) }}

)

select distinct
    {{ qs8_grain_columns() }},
    client_key
from by_geography
