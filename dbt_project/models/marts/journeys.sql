{# Joins the v2 columns (int_waiting_times__journeys, int_successful_completions__re_presentation) to
    int_journeys__journeys; they come after the v1 columns so the contract grows by adding. #}

select
    journeys.journey_key,
    journeys.client_key,
    journeys.journey_seq,
    journeys.start_date,
    journeys.end_date,
    journeys.episode_count,
    journeys.provider_count,
    journeys.provider_code,
    journeys.la_code,
    journeys.region_code,
    journeys.exit_reason,
    journeys.exit_group,
    journeys.days_in_treatment,
    journeys.retention_status,
    waits.referral_date,
    waits.first_intervention_date,
    waits.wait_days,
    waits.wait_status,
    re_presentation.re_presented
from {{ ref('int_journeys__journeys') }} as journeys
left join {{ ref('int_waiting_times__journeys') }} as waits
    on journeys.journey_key = waits.journey_key
left join {{ ref('int_successful_completions__re_presentation') }} as re_presentation
    on journeys.journey_key = re_presentation.journey_key
