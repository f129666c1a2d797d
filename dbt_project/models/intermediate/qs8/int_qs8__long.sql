{# One left join per measure (denominator -> numerator), unioned; the client grain lets reviewers trace a figure. #}

with unioned as (

    {%- for measure in ['qs8a', 'qs8b'] %}
        {% if not loop.first %}union all{% endif %}

        select
            {{ qs8_grain_columns('d') }},
            '{{ measure }}' as measure,
            d.client_key,
            n.client_key is not null as numerator_flag
        from {{ ref('int_' ~ measure ~ '__denominator') }} as d
        left join {{ ref('int_' ~ measure ~ '__numerator') }} as n
            on {{ qs8_same_client_unit('d', 'n') }}
    {%- endfor %}

)

select
    {{ qs8_grain_columns() }},
    cast(measure as {{ dbt.type_string() }}) as measure,
    client_key,
    cast(numerator_flag as {{ dbt.type_boolean() }}) as numerator_flag
from unioned
