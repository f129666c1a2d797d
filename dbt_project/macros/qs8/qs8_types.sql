{# DOUBLE for rates. dbt.type_float() is FLOAT, which DuckDB reads as a 4-byte REAL; the contract says DOUBLE.
    'double precision' is the SQL-standard spelling (DuckDB, Postgres, Snowflake, Redshift); dispatchable. #}
{% macro qs8_type_double() -%}
    {{ return(adapter.dispatch('qs8_type_double', 'journeys')()) }}
{%- endmacro %}

{% macro default__qs8_type_double() -%}
    double precision
{%- endmacro %}

{% macro bigquery__qs8_type_double() -%}
    float64
{%- endmacro %}

{#- A ratio of two counts as a DOUBLE (NULL when the denominator is 0; the QS8 marts never emit such rows). -#}
{% macro qs8_rate(numerator, denominator) -%}
    cast({{ numerator }} as {{ qs8_type_double() }}) / nullif(cast({{ denominator }} as {{ qs8_type_double() }}), 0)
{%- endmacro %}
