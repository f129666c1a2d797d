{# Files without a usable reporting month are kept (they are rejected, and still reported). #}
{%- set as_of = as_of_var() %}

with source as (
    select * from {{ source('ingest', 'submissions') }}
)

select
    cast(submission_id as {{ dbt.type_bigint() }}) as submission_id,
    provider_code,
    cast(reporting_month as date) as reporting_month,
    file_name,
    file_sha256,
    cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
    lower(status) as status,
    cast(rows_total as {{ dbt.type_bigint() }}) as rows_total,
    cast(rows_accepted as {{ dbt.type_bigint() }}) as rows_accepted,
    cast(rows_quarantined as {{ dbt.type_bigint() }}) as rows_quarantined,
    reason,
    lower(status) in ('accepted', 'partially_accepted') as is_current
from source
{%- if as_of is not none %}
    where reporting_month is null or reporting_month <= cast('{{ as_of }}' as date)
{%- endif %}
