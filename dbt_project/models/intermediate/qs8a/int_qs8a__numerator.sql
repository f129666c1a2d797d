{# A semi-join (exists) on the unit's evidence rows keeps numerator <= denominator by construction. #}

with denominator as (

    select *
    from {{ ref('int_qs8a__denominator') }}

),

formal_sub_interventions as (

    select *
    from {{ ref('int_qs8__sub_intervention_periods') }}
    where in_formal_set

),

evidence as (

    {{ geography_levels(
        'formal_sub_interventions',
        ['period_type', 'period_start', 'client_key']
    ) }}

)

select
    {{ qs8_grain_columns('denominator') }},
    denominator.client_key
from denominator
where exists (
        select 1
        from evidence
        where {{ qs8_same_client_unit('evidence', 'denominator') }}
    )
