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

    {{ qs8_geography_rows(
        'formal_sub_interventions',
        ['period_type', 'period_start', 'client_key']
    ) }}

)

select
    denominator.period_type,
    denominator.period_start,
    denominator.period_end,
    denominator.complete,
    denominator.geography_level,
    denominator.geography_code,
    denominator.client_key
from denominator
where exists (
        select 1
        from evidence
        where evidence.period_type = denominator.period_type
            and evidence.period_start = denominator.period_start
            and evidence.geography_level = denominator.geography_level
            and evidence.geography_code = denominator.geography_code
            and evidence.client_key = denominator.client_key
    )
