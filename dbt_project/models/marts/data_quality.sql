{# gate.rule_results joined to the published submissions (the same scope as marts.submissions). #}

select
    s.submission_id,
    s.provider_code,
    s.reporting_month,
    r.rule,
    r.severity,
    cast(r.rows_failed as {{ dbt.type_bigint() }}) as rows_failed
from {{ source('gate', 'rule_results') }} as r
inner join {{ ref('submissions') }} as s
    on r.submission_id = s.submission_id
