{# A numerator-like column never exceeds its denominator-like expression on the same row. #}
{% test not_greater_than(model, column_name, other) %}
select {{ column_name }}, {{ other }} as other_value
from {{ model }}
where {{ column_name }} > {{ other }}
{% endtest %}
