{# Unpivot rows that carry provider_code, la_code and region_code into one row per geography level:
    (geography_level, geography_code). National = England (var national_code), every row once. Rows whose unit
    code is NULL (e.g. an LA missing from the reference data has no region) are left out at that level only.

    relation : a CTE name or relation holding the columns below
    columns  : list of column names carried through unchanged
    levels   : the geography levels wanted, in output order #}
{% macro qs8_geography_rows(relation, columns, levels=['national', 'region', 'la', 'provider']) -%}
    {%- set code_expr = {
        'national': "cast('" ~ var('national_code', 'E92000001') ~ "' as " ~ dbt.type_string() ~ ")",
        'region': 'region_code',
        'la': 'la_code',
        'provider': 'provider_code',
    } -%}
    {%- for level in levels %}
    select
        {% for column in columns -%}
        {{ column }},
        {% endfor -%}
        cast('{{ level }}' as {{ dbt.type_string() }}) as geography_level,
        {{ code_expr[level] }} as geography_code
    from {{ relation }}
    {%- if level != 'national' %}
    where {{ code_expr[level] }} is not null
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
