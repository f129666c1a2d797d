{# QS8 structure, client grain: one row per (period, area, formal-set code, client) for each client who
    received that code in the period on an episode of that area (LA or region only; Z00B is an area at both
    levels). "Received in the period" = the sub-intervention's [SUBST, effective end] overlaps P, exactly as in
    QS8 (a); the client must also be in treatment in P in that area (the area's (a) denominator), so the clients
    with any code in an area are exactly that area's QS8 (a) numerator. #}

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
