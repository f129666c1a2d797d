{# Reaches the journey through the in-treatment episode (inner join), so referral-only episodes drop out. #}

with journey_episodes as (

    select
        episode_key,
        journey_key
    from {{ ref('int_journeys__journey_episodes') }}

),

nice_lines as (

    select
        sub_intervention_code,
        nice_line
    from {{ ref('sub_interventions') }}

)

select
    journey_episodes.journey_key,
    sub.episode_key,
    sub.modality_id,
    sub.sub_id,
    cast(sub.sub_intervention_code as {{ dbt.type_string() }}) as sub_intervention_code,
    cast(sub.intervention_type as {{ dbt.type_string() }}) as intervention_type,
    cast(sub.sub_start as date) as sub_start,
    cast(nice_lines.nice_line as {{ dbt.type_string() }}) as nice_line,
    cast(sub.intervention_type = '95' as {{ dbt.type_boolean() }}) as is_psychosocial
from {{ ref('int_journeys__sub_interventions') }} as sub
inner join journey_episodes
    on sub.episode_key = journey_episodes.episode_key
left join nice_lines
    on sub.sub_intervention_code = nice_lines.sub_intervention_code
where sub.sub_start is not null
