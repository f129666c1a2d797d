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
        period_type,
        period_start,
        geography_level,
        geography_code,
        count(distinct intervention_code) as codes_delivered
    from {{ ref('int_qs8_structure__long') }}
    group by
        period_type,
        period_start,
        geography_level,
        geography_code

)

select
    areas.period_type,
    areas.period_start,
    areas.period_end,
    areas.complete,
    areas.geography_level,
    areas.geography_code,
    cast(coalesce(delivered.codes_delivered, 0) as {{ dbt.type_bigint() }}) as codes_delivered,
    cast(formal_set.codes_in_set as {{ dbt.type_bigint() }}) as codes_in_set,
    cast(coalesce(delivered.codes_delivered, 0) = formal_set.codes_in_set as {{ dbt.type_boolean() }})
        as offers_full_menu
from areas
cross join formal_set
left join delivered
    on areas.period_type = delivered.period_type
        and areas.period_start = delivered.period_start
        and areas.geography_level = delivered.geography_level
        and areas.geography_code = delivered.geography_code
