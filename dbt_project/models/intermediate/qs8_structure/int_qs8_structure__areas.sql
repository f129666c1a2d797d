{# The LA and region rows of int_qs8a__denominator, distinct. #}

select distinct
    period_type,
    period_start,
    period_end,
    complete,
    geography_level,
    geography_code
from {{ ref('int_qs8a__denominator') }}
where geography_level in ('la', 'region')
