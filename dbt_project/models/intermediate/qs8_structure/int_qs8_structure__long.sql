{# Reuses the QS8 (a) overlap rows (int_qs8__sub_intervention_periods) and the (a) denominator, so both agree by construction. #}

with areas_denominator as (

    select *
    from {{ ref('int_qs8a__denominator') }}
    where geography_level in ('la', 'region')

),

formal_sub_interventions as (

    select *
    from {{ ref('int_qs8__sub_intervention_periods') }}
    where in_formal_set

),

receipts as (

    {{ geography_levels(
        'formal_sub_interventions',
        ['period_type', 'period_start', 'client_key', 'sub_intervention_code'],
        levels=['region', 'la']
    ) }}

)

select distinct
    {{ qs8_grain_columns('d') }},
    cast(r.sub_intervention_code as {{ dbt.type_string() }}) as intervention_code,
    d.client_key
from areas_denominator as d
inner join receipts as r
    on {{ qs8_same_client_unit('d', 'r') }}
