{# Areas x the formal set, left joined to the deliveries, so an undelivered code has a zero row. #}

with areas as (

    select * from {{ ref('int_qs8_structure__areas') }}

),

formal_set as (

    select distinct sub_intervention_code as intervention_code
    from {{ ref('formal_psychosocial_set') }}

),

receipts as (

    select
        {{ qs8_key_columns() }},
        intervention_code,
        count(distinct client_key) as clients
    from {{ ref('int_qs8_structure__long') }}
    group by
        {{ qs8_key_columns() }},
        intervention_code

)

select
    cast(areas.period_type as {{ dbt.type_string() }}) as period_type,
    cast(areas.period_start as date) as period_start,
    cast(areas.period_end as date) as period_end,
    cast(areas.geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(areas.geography_code as {{ dbt.type_string() }}) as geography_code,
    cast(formal_set.intervention_code as {{ dbt.type_string() }}) as intervention_code,
    cast(coalesce(receipts.clients, 0) as {{ dbt.type_bigint() }}) as clients,
    cast(coalesce(receipts.clients, 0) > 0 as {{ dbt.type_boolean() }}) as delivered
from areas
cross join formal_set
left join receipts
    on {{ qs8_same_unit('areas', 'receipts') }}
        and formal_set.intervention_code = receipts.intervention_code
