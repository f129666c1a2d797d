{# The successful-completions grain: one row per rolling 12-month window (period_start, period_end) and
    geography unit (geography_level, geography_code) (measures.md v2 "Successful completions"). Renders the four
    columns as a comma-separated list, each prefixed with `alias.` when one is given, for a select or a group by.
    Callers add client_key or substance_group themselves. #}
{% macro completions_grain_columns(alias=none) -%}
    {{ prefixed_columns(['period_start', 'period_end', 'geography_level', 'geography_code'], alias) }}
{%- endmacro %}

{# "The same client at the same unit in the same window": the join predicate between two per-client rows of the
    successful-completions intermediates. period_start follows from period_end, so it is not compared.
    `left` and `right` are table aliases. #}
{% macro completions_same_client_unit(left, right) -%}
    {{ columns_equal(left, right, ['period_end', 'geography_level', 'geography_code', 'client_key']) }}
{%- endmacro %}
