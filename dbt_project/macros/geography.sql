{# Fan rows out to the four geography levels (measures.md "Geography"):
    national (E92000001, every row once), region, la and provider. Rows whose code is NULL at a level
    (e.g. an LA missing from reference.la_regions has no region) are left out of that level only.
    `relation` is a CTE / relation name; `columns` the list of columns to carry through. geography_level and
    geography_code come out as strings (dbt.type_string()), the type every mart contract gives them. #}
{% macro geography_levels(relation, columns, provider='provider_code', la='la_code', region='region_code') -%}
    {%- set carried = columns | join(', ') -%}
    {%- set codes = {'national': "'" ~ var('national_code') ~ "'", 'region': region, 'la': la, 'provider': provider} -%}
    {%- for level, code in codes.items() %}
    select
        cast('{{ level }}' as {{ dbt.type_string() }}) as geography_level,
        cast({{ code }} as {{ dbt.type_string() }}) as geography_code,
        {{ carried }}
    from {{ relation }}
    {%- if level != 'national' %}
    where {{ code }} is not null
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- numerator / denominator as DOUBLE; NULL when the denominator is 0. -#}
{% macro safe_rate(numerator, denominator) -%}
    case when ({{ denominator }}) = 0 then null
         else cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}

{#- 8-byte floating point (type_double() is a 4-byte FLOAT on DuckDB; contracts say DOUBLE). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'journeys')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double{%- endmacro %}

{% macro bigquery__type_double() -%}float64{%- endmacro %}
