{# Day arithmetic in whole calendar days, via dbt's cross-database macros (portable beyond DuckDB). #}

{#- d2 - d1 in days (BIGINT). -#}
{% macro days_between(d1, d2) -%}
    {{ dbt.datediff(d1, d2, 'day') }}
{%- endmacro %}

{#- d + n days, as a DATE. -#}
{% macro add_days(d, n) -%}
    cast({{ dbt.dateadd('day', n, d) }} as date)
{%- endmacro %}

{#- First day of the month of d, as a DATE. -#}
{% macro month_start(d) -%}
    cast({{ dbt.date_trunc('month', d) }} as date)
{%- endmacro %}

{#- Last day of the month of d, as a DATE. -#}
{% macro month_end(d) -%}
    cast({{ dbt.last_day(d, 'month') }} as date)
{%- endmacro %}

{#- Age in completed years at date `at` (a 29 February birthday is reached on 1 March in common years). -#}
{% macro age_in_years(dob, at) -%}
    (extract(year from {{ at }}) - extract(year from {{ dob }})
     - case when extract(month from {{ at }}) * 100 + extract(day from {{ at }})
                 < extract(month from {{ dob }}) * 100 + extract(day from {{ dob }})
            then 1 else 0 end)
{%- endmacro %}

{#- Text cleaning for raw submission values: trimmed, empty = NULL; optionally upper-cased. -#}
{% macro clean_text(col, upper=false) -%}
    {%- if upper -%}
    nullif(upper(trim({{ col }})), '')
    {%- else -%}
    nullif(trim({{ col }}), '')
    {%- endif -%}
{%- endmacro %}

{#- A raw ISO date text to DATE (NULL when blank or not a valid date). -#}
{% macro to_date(col) -%}
    {{ dbt.safe_cast(clean_text(col), 'date') }}
{%- endmacro %}

{#- DuckDB implementation of dbt.safe_cast (dbt-duckdb falls back to a plain cast, which fails on an invalid
    value such as 2025-02-30): try_cast returns NULL instead. Found through the dispatch search order in
    dbt_project.yml. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
