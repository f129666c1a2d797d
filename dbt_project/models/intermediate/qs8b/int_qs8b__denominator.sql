{# QS8 (b) denominator: clients in treatment in P with DEPANX = 'Y' on an in-treatment episode in P.

    The DEPANX = 'Y' episode must itself be in treatment in P (a flag on an episode discharged before P, or
    triaged after it, does not qualify the client even if another episode is in treatment in P). Per unit, that
    qualifying episode must belong to the unit; nationally each client counts once. #}

with qualifying_episodes as (

    select *
    from {{ ref('int_qs8__episode_periods') }}
    where dep_anx = 'Y'

),

by_geography as (

    {{ qs8_geography_rows(
        'qualifying_episodes',
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
