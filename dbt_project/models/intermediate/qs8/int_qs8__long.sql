{# One left join per measure (denominator -> numerator), unioned; the client grain lets reviewers trace a figure. #}

with unioned as (

    {%- for measure in ['qs8a', 'qs8b'] %}
        {% if not loop.first %}union all{% endif %}

        select
            d.period_type,
            d.period_start,
            d.period_end,
            d.complete,
            d.geography_level,
            d.geography_code,
            '{{ measure }}' as measure,
            d.client_key,
            n.client_key is not null as numerator_flag
        from {{ ref('int_' ~ measure ~ '__denominator') }} as d
        left join {{ ref('int_' ~ measure ~ '__numerator') }} as n
            on d.period_type = n.period_type
                and d.period_start = n.period_start
                and d.geography_level = n.geography_level
                and d.geography_code = n.geography_code
                and d.client_key = n.client_key
    {%- endfor %}

)

select
    period_type,
    period_start,
    period_end,
    complete,
    geography_level,
    geography_code,
    cast(measure as {{ dbt.type_string() }}) as measure,
    client_key,
    cast(numerator_flag as {{ dbt.type_boolean() }}) as numerator_flag
from unioned
