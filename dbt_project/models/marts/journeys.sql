{#- One row per treatment journey; rules in int_journeys. -#}

select
    journey_key,
    client_key,
    journey_seq,
    start_date,
    end_date,
    episode_count,
    provider_count,
    provider_code,
    la_code,
    region_code,
    exit_reason,
    exit_group,
    days_in_treatment,
    retention_status
from {{ ref('int_journeys') }}
