{# The DEPANX flag is tested on the episode-period row itself, so the flagged episode is the one in treatment in P. #}

with qualifying_episodes as (

    select *
    from {{ ref('int_qs8__episode_periods') }}
    where dep_anx = 'Y'

),

by_geography as (

    {{ geography_levels(
        'qualifying_episodes',
        ['period_type', 'period_start', 'period_end', 'complete', 'client_key']
    ) }}

)

select distinct
    {{ qs8_grain_columns() }},
    client_key
from by_geography
