{# Fans journeys out to geography levels; a cohort x unit without a psychosocial journey has no row. #}

with classified as (

    select *
    from {{ ref('int_concordance__journey_classification') }}

),

by_geography as (

    {{ geography_levels(
        'classified',
        ['journey_key', 'cohort_month', 'second_line_first']
    ) }}

),

aggregated as (

    select
        cohort_month,
        geography_level,
        geography_code,
        count(*) as journeys_with_psychosocial,
        sum(case when second_line_first then 1 else 0 end) as second_line_first
    from by_geography
    group by
        cohort_month,
        geography_level,
        geography_code

)

select
    cast(cohort_month as date) as cohort_month,
    cast(geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(geography_code as {{ dbt.type_string() }}) as geography_code,
    cast(journeys_with_psychosocial as {{ dbt.type_bigint() }}) as journeys_with_psychosocial,
    cast(second_line_first as {{ dbt.type_bigint() }}) as second_line_first,
    {{ safe_rate('second_line_first', 'journeys_with_psychosocial') }} as share
from aggregated
where journeys_with_psychosocial > 0
