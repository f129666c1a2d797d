{# The first intervention is a min over all the journey's episodes' interventions (latest versions). #}

with journey_episodes as (
    select
        journey_key,
        episode_key,
        episode_seq_in_journey
    from {{ ref('int_journeys__journey_episodes') }}
),

first_referral as (
    select
        je.journey_key,
        e.referral_date
    from journey_episodes as je
    inner join {{ ref('int_journeys__episodes') }} as e
        on je.episode_key = e.episode_key
    where je.episode_seq_in_journey = 1
),

first_intervention as (
    select
        je.journey_key,
        min(i.modality_start) as first_intervention_date
    from journey_episodes as je
    inner join {{ ref('stg_interventions') }} as i
        on je.episode_key = i.episode_key
    group by je.journey_key
),

journeys as (
    select
        journey_key,
        end_date
    from {{ ref('int_journeys__journeys') }}
)

select
    journeys.journey_key,
    first_referral.referral_date,
    first_intervention.first_intervention_date,
    cast(
        {{ days_between('first_referral.referral_date', 'first_intervention.first_intervention_date') }}
        as {{ dbt.type_bigint() }}
    ) as wait_days,
    case
        when first_intervention.first_intervention_date is not null then 'started'
        when journeys.end_date is not null then 'no_intervention'
        else 'waiting'
    end as wait_status
from journeys
inner join first_referral
    on journeys.journey_key = first_referral.journey_key
left join first_intervention
    on journeys.journey_key = first_intervention.journey_key
