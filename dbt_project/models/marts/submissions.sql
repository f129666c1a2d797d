{# Casts the submissions log to the interfaces.md columns. #}

select
    submission_id,
    provider_code,
    reporting_month,
    file_name,
    file_sha256,
    received_at,
    status,
    rows_total,
    rows_accepted,
    rows_quarantined,
    reason
from {{ ref('stg_submissions') }}
where status <> 'loaded'
