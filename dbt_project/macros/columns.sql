{# `columns` as a comma-separated list, one a line, each prefixed with `alias.` when one is given: the body of
    the grain macros (qs8_grain_columns, completions_grain_columns), for a select or a group by. #}
{% macro prefixed_columns(columns, alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {%- for column in columns %}
    {{ prefix }}{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
