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

    {{ qs8_geography_rows(
        'formal_sub_interventions',
        ['period_type', 'period_start', 'client_key', 'sub_intervention_code'],
        levels=['region', 'la']
    ) }}

)

select distinct
    d.period_type,
    d.period_start,
    d.period_end,
    d.complete,
    d.geography_level,
    d.geography_code,
    cast(r.sub_intervention_code as {{ dbt.type_string() }}) as intervention_code,
    d.client_key
from areas_denominator as d
inner join receipts as r
    on d.period_type = r.period_type
        and d.period_start = r.period_start
        and d.geography_level = r.geography_level
        and d.geography_code = r.geography_code
        and d.client_key = r.client_key
