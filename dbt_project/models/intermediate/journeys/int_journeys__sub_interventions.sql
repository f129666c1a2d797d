{# Inner join to int_journeys__episodes (a sub-intervention without its episode is dropped); left join to its intervention. #}

with subs as (
    select * from {{ ref('stg_sub_interventions') }}
),

interventions as (
    select
        episode_key,
        modality_id,
        modality_end
    from {{ ref('stg_interventions') }}
),

episodes as (
    select
        episode_key,
        provider_code,
        client_key,
        la_code,
        region_code,
        discharge_date,
        triage_date
    from {{ ref('int_journeys__episodes') }}
),

as_of as (
    select as_of from {{ ref('int_journeys__as_of') }}
)

select
    subs.episode_key,
    subs.modality_id,
    subs.sub_id,
    subs.sub_intervention_code,
    subs.intervention_type,
    subs.sub_start,
    subs.sub_end,
    subs.version_month,
    episodes.provider_code,
    episodes.client_key,
    episodes.la_code,
    episodes.region_code,
    interventions.modality_end,
    episodes.discharge_date,
    episodes.triage_date,
    coalesce(subs.sub_end, interventions.modality_end, episodes.discharge_date, as_of.as_of) as effective_end
from subs
inner join episodes
    on subs.episode_key = episodes.episode_key
left join interventions
    on subs.episode_key = interventions.episode_key
        and subs.modality_id = interventions.modality_id
cross join as_of
