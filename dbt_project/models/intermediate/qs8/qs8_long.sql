/*
    QS8 (a) and (b) in long form: one row per (period, geography, measure, denominator client) with the
    numerator flag. qs8_measures aggregates this; the client grain lets reviewers trace any published figure.
*/

with qs8a_denominator as (

    select * from {{ ref('qs8a_denominator') }}

)

, qs8a_numerator as (

    select * from {{ ref('qs8a_numerator') }}

)

, qs8b_denominator as (

    select * from {{ ref('qs8b_denominator') }}

)

, qs8b_numerator as (

    select * from {{ ref('qs8b_numerator') }}

)

, unioned as (

    select
          d.period_type
        , d.period_start
        , d.period_end
        , d.complete
        , d.geography_level
        , d.geography_code
        , 'qs8a' as measure
        , d.client_key
        , n.client_key is not null as numerator_flag
    from qs8a_denominator as d
    left join qs8a_numerator as n
        on d.period_type = n.period_type
        and d.period_start = n.period_start
        and d.geography_level = n.geography_level
        and d.geography_code = n.geography_code
        and d.client_key = n.client_key

    union all

    select
          d.period_type
        , d.period_start
        , d.period_end
        , d.complete
        , d.geography_level
        , d.geography_code
        , 'qs8b' as measure
        , d.client_key
        , n.client_key is not null as numerator_flag
    from qs8b_denominator as d
    left join qs8b_numerator as n
        on d.period_type = n.period_type
        and d.period_start = n.period_start
        and d.geography_level = n.geography_level
        and d.geography_code = n.geography_code
        and d.client_key = n.client_key

)

select
      period_type
    , period_start
    , period_end
    , complete
    , geography_level
    , geography_code
    , cast(measure as {{ dbt.type_string() }}) as measure
    , client_key
    , cast(numerator_flag as {{ dbt.type_boolean() }}) as numerator_flag
from unioned
