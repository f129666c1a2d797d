{# One row per file received (the submissions log), exactly the interfaces.md columns.
    Left out: status 'loaded' (internal: rows in raw, not yet gated - the next run gates them) and, when an
    explicit as_of is given, submissions for later reporting months. #}

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
