{# Portable: a digits cross-join spine and dbt.dateadd / date_trunc / last_day; no series function. #}

with first_month as (
    select min({{ month_start('reporting_month') }}) as first_month_start
    from {{ ref('stg_submissions') }}
    where is_current
),

anchors as (
    select
        first_month.first_month_start,
        cast({{ dbt.dateadd('month', -var('re_presentation_months'), month_start('as_of.as_of')) }} as date)
            as last_month_start
    from first_month
    cross join {{ ref('int_journeys__as_of') }} as as_of
    where first_month.first_month_start is not null
        and as_of.as_of is not null
),

spine as (
    {{ qs8_integer_spine(3) }}
),

months as (
    select cast({{ dbt.dateadd('month', 'spine.n', 'anchors.first_month_start') }} as date) as month_start
    from anchors
    cross join spine
    where {{ dbt.dateadd('month', 'spine.n', 'anchors.first_month_start') }} <= anchors.last_month_start
)

select
    cast({{ dbt.dateadd('month', -11, 'month_start') }} as date) as period_start,
    {{ month_end('month_start') }} as period_end
from months
