{#- Small generic tests for the QS8 / concordance models (no dbt hub packages; kept here, prefixed qs8_, so that
    this part of the project does not depend on other folders' test macros). -#}

{#- The combination of columns is unique (a composite grain key). -#}
{% test qs8_unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Every non-NULL value lies in [min_value, max_value] (inclusive), e.g. rates in [0, 1]. -#}
{% test qs8_between(model, column_name, min_value, max_value) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
      and ({{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }})
{% endtest %}

{#- A numerator-like column never exceeds its denominator-like column on the same row. -#}
{% test qs8_not_greater_than(model, column_name, other) %}
    select {{ column_name }}, {{ other }} as other_value
    from {{ model }}
    where {{ column_name }} > {{ other }}
{% endtest %}

{#- Row-level invariant: `expression` must be true on every row (rows where it is false or NULL fail). -#}
{% test qs8_expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}
