{# The record-version rule (submission-format.md): per record key, the latest reporting month wins, then the
    highest source line (within one file), then the highest submission id. Rank 1 is the version kept. #}
{% macro latest_version_rank(keys) -%}
row_number() over (
            partition by {{ keys | join(', ') }}
            order by version_month desc, source_line desc, submission_id desc
        )
{%- endmacro %}
