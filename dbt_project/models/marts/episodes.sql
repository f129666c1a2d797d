{# Casts to the contract's types; no attributor or CLIENTID column is selected. #}

select
    e.episode_key,
    e.provider_code,
    e.client_key,
    e.la_code,
    e.region_code,
    e.referral_date,
    e.triage_date,
    e.discharge_date,
    e.discharge_reason,
    e.discharge_group,
    e.substance_group,
    e.sex,
    e.age_band,
    e.dep_anx,
    je.journey_key
from {{ ref('int_journeys__episodes') }} as e
left join {{ ref('int_journeys__journey_episodes') }} as je
    on e.episode_key = je.episode_key
