{# Custom schema names are used verbatim (staging, intermediate, marts, reference), not prefixed with the
    target schema, so BI tools and the serving snapshot see stable names. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
