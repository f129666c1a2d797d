{# Casts int_journeys__transfers to the contract's types. #}

select
    episode_key,
    client_key,
    from_provider_code,
    discharge_date,
    discharge_reason,
    to_episode_key,
    to_provider_code,
    gap_days,
    outcome
from {{ ref('int_journeys__transfers') }}
