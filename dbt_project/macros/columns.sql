{# Column-list helpers for the grain macros (macros/qs8/qs8_grain.sql,
    macros/successful_completions/completions_grain.sql), which name the columns; these only spell them out. #}

{# `columns` as a comma-separated list, one a line, each prefixed with `alias.` when one is given: the body of
    the grain macros (qs8_grain_columns, completions_grain_columns), for a select or a group by. #}
{% macro prefixed_columns(columns, alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {%- for column in columns %}
    {{ prefix }}{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{# The join predicate "equal on every one of `columns`": `left.c = right.c and ...`, one a line. `left` and
    `right` are table aliases. The body of the grain joins (qs8_same_unit, completions_same_client_unit). #}
{% macro columns_equal(left, right, columns) -%}
    {%- for column in columns %}
    {% if not loop.first %}and {% endif %}{{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor %}
{%- endmacro %}
