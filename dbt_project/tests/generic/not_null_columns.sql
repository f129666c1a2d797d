{#
  None of `columns` is NULL on any row: one scan of the model for all of them, and one test (one Dagster asset
  check) per model instead of one per column. Fails with a row per column that has NULLs: its name and how many.
#}
{% test not_null_columns(model, columns) %}
with null_counts as (
    select
        {% for column in columns -%}
            sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}
)

{% for column in columns -%}
    select
        '{{ column }}' as column_name,
        {{ column }} as null_rows
    from null_counts
    where {{ column }} > 0
    {% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
