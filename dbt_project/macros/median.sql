{# The median of a numeric expression as a DOUBLE (NULLs ignored; an even count takes the mean of the two
    middle values; NULL when there is no value). dbt has no cross-database median, so this dispatches:
    default__ is the SQL-standard ordered-set aggregate (Postgres, Snowflake, Redshift, ...); DuckDB has a
    native median(); Spark's percentile() is exact and interpolates the same way (percentile_cont within group
    only arrived in Spark 3.3). Usable as an ordinary aggregate in a GROUP BY. #}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'journeys')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by cast({{ expression }} as {{ type_double() }}))
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median(cast({{ expression }} as {{ type_double() }}))
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile(cast({{ expression }} as {{ type_double() }}), 0.5)
{%- endmacro %}
