{# Both branches read stg_submissions, so the dependency (and the DAG) is the same with or without the var. #}
{%- set as_of = as_of_var() %}

select
    {%- if as_of is not none %}
        coalesce(cast('{{ as_of }}' as date), max({{ month_end('reporting_month') }})) as as_of
    {%- else %}
        max({{ month_end('reporting_month') }}) as as_of
    {%- endif %}
from {{ ref('stg_submissions') }}
where is_current
