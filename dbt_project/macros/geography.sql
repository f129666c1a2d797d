{# Fan rows out to the geography levels (measures.md "Geography"), one row per level as
    (geography_level, geography_code): national (var national_code = E92000001, every row once), region, la and
    provider. Rows whose code is NULL at a level (e.g. an LA missing from reference.la_regions has no region) are
    left out of that level only. geography_level and geography_code come out as strings (dbt.type_string()), the
    type every mart contract gives them. Every measure's fan-out (v1, QS8, concordance, v2) goes through here.

    relation : a CTE / relation name
    columns  : the columns to carry through unchanged (an entry may be `expression as name`)
    levels   : the levels wanted, in output order (QS8 structure: region and la only)
    provider, la, region : the columns holding each level's code #}
{% macro geography_levels(
    relation, columns, levels=['national', 'region', 'la', 'provider'],
    provider='provider_code', la='la_code', region='region_code'
) -%}
    {%- set carried = columns | join(', ') -%}
    {%- set codes = {'national': "'" ~ var('national_code') ~ "'", 'region': region, 'la': la, 'provider': provider} -%}
    {%- for level in levels %}
    {%- set code = codes[level] %}
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

{#- numerator / denominator as DOUBLE; NULL when the denominator is 0 (the rate of every mart). -#}
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
