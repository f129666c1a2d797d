{# QS8 structure - the areas measured (measures.md): one row per (period, LA or region) with clients in
    treatment in the period, i.e. the LA/region units of the QS8 (a) denominator. Z00B is an area at both
    levels. Shared by marts.qs8_structure (a row per formal code) and int_qs8_structure__menu (full-menu flag). #}

select distinct
    period_type,
    period_start,
    period_end,
    complete,
    geography_level,
    geography_code
from {{ ref('int_qs8a__denominator') }}
where geography_level in ('la', 'region')
