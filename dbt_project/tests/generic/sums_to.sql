{# The listed parts add up to the total column on every row (e.g. retained + not_retained + pending). #}
{% test sums_to(model, column_name, parts) %}
select {{ column_name }}, {{ parts | join(' + ') }} as parts_total
from {{ model }}
where {{ column_name }} <> {{ parts | join(' + ') }}
{% endtest %}
