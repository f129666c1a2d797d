{# The spine is a portable cross join of digits (macro qs8_integer_spine): 10,000 offsets, far more months
    than any real data span; offsets past as_of are filtered out. #}

with as_of as (

    select as_of
    from {{ ref('int_journeys__as_of') }}

),

bounds as (

    select min(triage_date) as first_triage_date
    from {{ ref('int_journeys__episodes') }}
    where triage_date is not null

),

spine as (

    {{ qs8_integer_spine(4) }}

),

anchors as (

    select
        as_of.as_of,
        {{ month_start('bounds.first_triage_date') }} as first_month_start,
        /* 1 April on or before the first triage: shift back 3 months, truncate to the year, shift forward. */
        {%- set april_year = dbt.date_trunc('year', dbt.dateadd('month', '-3', 'bounds.first_triage_date')) %}
        cast({{ dbt.dateadd('month', '3', april_year) }} as date) as first_financial_year_start
    from bounds
    cross join as_of
    where bounds.first_triage_date is not null
        and bounds.first_triage_date <= as_of.as_of

),

months as (

    select
        'month' as period_type,
        cast({{ dbt.dateadd('month', 'spine.n', 'anchors.first_month_start') }} as date) as period_start,
        anchors.as_of
    from anchors
    cross join spine
    where {{ dbt.dateadd('month', 'spine.n', 'anchors.first_month_start') }} <= anchors.as_of

),

financial_years as (

    select
        'financial_year' as period_type,
        cast({{ dbt.dateadd('year', 'spine.n', 'anchors.first_financial_year_start') }} as date) as period_start,
        anchors.as_of
    from anchors
    cross join spine
    where spine.n < 1000
        and {{ dbt.dateadd('year', 'spine.n', 'anchors.first_financial_year_start') }} <= anchors.as_of

),

periods as (

    select
        period_type,
        period_start,
        {{ month_end('period_start') }} as period_end,
        as_of
    from months

    union all

    select
        period_type,
        period_start,
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd('year', '1', 'period_start')) }} as date) as period_end,
        as_of
    from financial_years

)

select
    cast(period_type as {{ dbt.type_string() }}) as period_type,
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    cast(case when period_end <= as_of then period_end else as_of end as date) as measure_end,
    cast(period_end <= as_of as {{ dbt.type_boolean() }}) as complete,
    cast(as_of as date) as as_of
from periods
