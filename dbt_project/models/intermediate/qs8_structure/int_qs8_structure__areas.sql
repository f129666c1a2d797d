{# The LA and region rows of int_qs8a__denominator, distinct. #}

select distinct {{ qs8_grain_columns() }}
from {{ ref('int_qs8a__denominator') }}
where geography_level in ('la', 'region')
