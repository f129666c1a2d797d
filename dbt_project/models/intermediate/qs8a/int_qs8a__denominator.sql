{# Fans each episode-period out to its geography levels (geography_levels), then keeps distinct clients. #}

with episode_periods as (

    select *
    from {{ ref('int_qs8__episode_periods') }}

),

by_geography as (

    {{ geography_levels(
        'episode_periods',
        ['period_type', 'period_start', 'period_end', 'complete', 'client_key']
    ) }}

)

select distinct
    {{ qs8_grain_columns() }},
    client_key
from by_geography
