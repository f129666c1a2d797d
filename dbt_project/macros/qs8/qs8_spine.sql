{# Portable integer spine (0 .. 10^digits - 1), written with cross joins of a ten-row digits set so that it
    runs on any SQL engine (no generate_series / range table functions). Used to build the QS8 period spine. #}
{% macro qs8_integer_spine(digits=4) -%}
    {%- set places = range(digits) | list -%}
    select
        {% for place in places -%}
        d{{ place }}.digit * {{ 10 ** place }}{% if not loop.last %} + {% endif %}
        {%- endfor %} as n
    from
        {% for place in places -%}
        (
            select 0 as digit union all select 1 union all select 2 union all select 3 union all select 4
            union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
        ) as d{{ place }}{% if not loop.last %}
        cross join
        {% endif %}
        {%- endfor %}
{%- endmacro %}
