{# QS8 (a) denominator: clients in treatment in period P, per geography unit.

    One row per (period, geography_level, geography_code, client). A client counts for a provider / LA / region
    when one of their episodes *in that unit* is in treatment in P; nationally each client counts once. #}

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
    period_type,
    period_start,
    period_end,
    complete,
    geography_level,
    geography_code,
    client_key
from by_geography
