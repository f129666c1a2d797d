{# Areas x the formal set, left joined to the deliveries, then counted per area. #}

with areas as (

    select * from {{ ref('int_qs8_structure__areas') }}

),

formal_set as (

    select count(distinct sub_intervention_code) as codes_in_set
    from {{ ref('formal_psychosocial_set') }}

),

delivered as (

    select
        {{ qs8_key_columns() }},
        count(distinct intervention_code) as codes_delivered
    from {{ ref('int_qs8_structure__long') }}
    group by
        {{ qs8_key_columns() }}

)

select
    {{ qs8_grain_columns('areas') }},
    cast(coalesce(delivered.codes_delivered, 0) as {{ dbt.type_bigint() }}) as codes_delivered,
    cast(formal_set.codes_in_set as {{ dbt.type_bigint() }}) as codes_in_set,
    cast(coalesce(delivered.codes_delivered, 0) = formal_set.codes_in_set as {{ dbt.type_boolean() }})
        as offers_full_menu
from areas
cross join formal_set
left join delivered
    on {{ qs8_same_unit('areas', 'delivered') }}
