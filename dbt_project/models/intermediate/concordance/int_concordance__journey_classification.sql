{# D is the earliest psychosocial start; both line checks are aggregates over the journey's sub-interventions. #}

with journey_sub_interventions as (

    select *
    from {{ ref('int_concordance__journey_sub_interventions') }}

),

first_psychosocial as (

    select
        journey_key,
        min(sub_start) as first_psychosocial_date
    from journey_sub_interventions
    where is_psychosocial
    group by journey_key

),

flags as (

    select
        first_psychosocial.journey_key,
        first_psychosocial.first_psychosocial_date,
        max(case
            when sub.nice_line = 'second' and sub.sub_start = first_psychosocial.first_psychosocial_date
                then 1
            else 0
        end) as second_line_on_first_date,
        max(case
            when sub.nice_line = 'first' and sub.sub_start <= first_psychosocial.first_psychosocial_date
                then 1
            else 0
        end) as first_line_by_first_date
    from first_psychosocial
    inner join journey_sub_interventions as sub
        on first_psychosocial.journey_key = sub.journey_key
    group by
        first_psychosocial.journey_key,
        first_psychosocial.first_psychosocial_date

),

journeys as (

    select
        journey_key,
        cohort_month,
        provider_code,
        la_code,
        region_code
    from {{ ref('int_journeys__journeys') }}

)

select
    journeys.journey_key,
    journeys.cohort_month,
    journeys.provider_code,
    journeys.la_code,
    journeys.region_code,
    cast(flags.first_psychosocial_date as date) as first_psychosocial_date,
    cast(flags.second_line_on_first_date = 1 as {{ dbt.type_boolean() }}) as second_line_on_first_date,
    cast(flags.first_line_by_first_date = 1 as {{ dbt.type_boolean() }}) as first_line_by_first_date,
    cast(flags.second_line_on_first_date = 1 and flags.first_line_by_first_date = 0 as {{ dbt.type_boolean() }})
        as second_line_first
from flags
inner join journeys
    on flags.journey_key = journeys.journey_key
