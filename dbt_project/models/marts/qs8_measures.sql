{# Aggregates int_qs8__long; a zero denominator cannot occur there, so there is no zero row. #}

with long as (

    select *
    from {{ ref('int_qs8__long') }}

),

aggregated as (

    select
        {{ qs8_grain_columns() }},
        measure,
        sum(case when numerator_flag then 1 else 0 end) as numerator,
        count(*) as denominator
    from long
    group by
        {{ qs8_grain_columns() }},
        measure

)

select
    cast(period_type as {{ dbt.type_string() }}) as period_type,
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    cast(complete as {{ dbt.type_boolean() }}) as complete,
    cast(geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(geography_code as {{ dbt.type_string() }}) as geography_code,
    cast(measure as {{ dbt.type_string() }}) as measure,
    cast(numerator as {{ dbt.type_bigint() }}) as numerator,
    cast(denominator as {{ dbt.type_bigint() }}) as denominator,
    {{ safe_rate('numerator', 'denominator') }} as rate
from aggregated
where denominator > 0
