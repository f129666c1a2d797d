{# The pseudonymous client key, defined in one place.
    journeys_client_key() is a TEMPORARY DuckDB macro created on every connection by the dbt-duckdb plugin
    orchestration.pseudonymise (see profiles.yml); it computes HMAC-SHA-256 of
    upper(FINITIAL)|upper(SINITIAL)|DOB|SEX under JOURNEYS_PSEUDONYM_KEY. The key never appears in SQL text. #}
{% macro client_key(finitial, sinitial, dob, sex) -%}
    journeys_client_key({{ finitial }}, {{ sinitial }}, {{ dob }}, {{ sex }})
{%- endmacro %}
