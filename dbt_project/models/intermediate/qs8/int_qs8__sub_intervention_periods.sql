{# The overlap test uses effective_end from int_journeys__sub_interventions and measure_end from the periods; the
    episode's client, geography and TRIAGED come with the sub-intervention (int_journeys__sub_interventions). #}

with periods as (

    select *
    from {{ ref('int_qs8__periods') }}

),

formal_set as (

    select distinct sub_intervention_code
    from {{ ref('formal_psychosocial_set') }}

),

psychological_set as (

    select distinct sub_intervention_code
    from {{ ref('psychological_treatment_set') }}

),

codes as (

    select
        codes.sub_intervention_code,
        max(case when codes.in_formal_set = 1 then 1 else 0 end) = 1 as in_formal_set,
        max(case when codes.in_psychological_set = 1 then 1 else 0 end) = 1 as in_psychological_set
    from (
        select
            sub_intervention_code,
            1 as in_formal_set,
            0 as in_psychological_set
        from formal_set
        union all
        select
            sub_intervention_code,
            0 as in_formal_set,
            1 as in_psychological_set
        from psychological_set
    ) as codes
    group by codes.sub_intervention_code

),

sub_interventions as (

    select
        sub.episode_key,
        sub.modality_id,
        sub.sub_id,
        sub.sub_intervention_code,
        sub.sub_start,
        sub.effective_end,
        sub.client_key,
        sub.provider_code,
        sub.la_code,
        sub.region_code,
        codes.in_formal_set,
        codes.in_psychological_set
    from {{ ref('int_journeys__sub_interventions') }} as sub
    inner join codes
        on sub.sub_intervention_code = codes.sub_intervention_code
    where sub.sub_start is not null
        and sub.triage_date is not null
        and sub.client_key is not null

)

select
    {{ qs8_period_columns('periods') }},
    sub_interventions.episode_key,
    sub_interventions.modality_id,
    sub_interventions.sub_id,
    sub_interventions.sub_intervention_code,
    sub_interventions.sub_start,
    sub_interventions.effective_end,
    sub_interventions.client_key,
    sub_interventions.provider_code,
    sub_interventions.la_code,
    sub_interventions.region_code,
    cast(sub_interventions.in_formal_set as {{ dbt.type_boolean() }}) as in_formal_set,
    cast(sub_interventions.in_psychological_set as {{ dbt.type_boolean() }}) as in_psychological_set
from sub_interventions
inner join periods
    on sub_interventions.sub_start <= periods.measure_end
        and sub_interventions.effective_end >= periods.period_start
