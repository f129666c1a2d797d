{# The QS8 grain: one row per reporting period and geography unit (measures.md "QS8"). A period is
    (period_type, period_start, period_end, complete); a unit is (geography_level, geography_code).
    Renders the six columns as a comma-separated list, each prefixed with `alias.` when one is given, for a
    select or a group by. Callers add client_key (or measure) themselves, where the row is per client. #}
{% macro qs8_grain_columns(alias=none) -%}
    {{ prefixed_columns(
        ['period_type', 'period_start', 'period_end', 'complete', 'geography_level', 'geography_code'], alias
    ) }}
{%- endmacro %}

{# The columns of a QS8 period as the episode and sub-intervention rows carry them (int_qs8__periods without
    as_of): measure_end = least(period_end, as_of) is what the overlap tests compare with. #}
{% macro qs8_period_columns(alias=none) -%}
    {{ prefixed_columns(['period_type', 'period_start', 'period_end', 'measure_end', 'complete'], alias) }}
{%- endmacro %}

{# The key of the QS8 grain: (period_type, period_start) identifies a period (period_end and complete follow
    from it) and (geography_level, geography_code) a unit. For a group by, or a select before one. #}
{% macro qs8_key_columns(alias=none) -%}
    {{ prefixed_columns(qs8_key_names(), alias) }}
{%- endmacro %}

{# The names of the key columns, as a list (qs8_key_columns and qs8_same_unit spell them out). #}
{% macro qs8_key_names() -%}
    {{ return(['period_type', 'period_start', 'geography_level', 'geography_code']) }}
{%- endmacro %}

{# "The same unit in the same period": the join predicate on the key columns. `left` and `right` are table
    aliases. #}
{% macro qs8_same_unit(left, right) -%}
    {{ columns_equal(left, right, qs8_key_names()) }}
{%- endmacro %}

{# "The same client at the same unit in the same period": the join predicate between two per-client QS8 rows
    (a denominator row and its evidence, or a denominator and its numerator). #}
{% macro qs8_same_client_unit(left, right) -%}
    {{ qs8_same_unit(left, right) }}
    and {{ left }}.client_key = {{ right }}.client_key
{%- endmacro %}
