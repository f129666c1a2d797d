{# What lets the same models run on DuckDB and on Spark (issue 12, docs/deployment.md "Distributed").

    Attributors (FINITIAL, SINITIAL, DOB, CLIENTID) never leave the restricted DuckDB warehouse. On DuckDB the
    models derive the client key (HMAC, client_key()) and the age from them. For Spark, the export step
    (orchestration/export_parquet.py) derives the same two values in DuckDB, row by row (client_key,
    start_age_years), and ships them instead of the attributors: the Spark side never sees the HMAC secret. The
    models read them through the dispatched macros below; the equivalence test (tests/test_spark_equivalence.py) holds both engines to the
    same marts. #}

{#- The restricted columns of stg_submission_rows. -#}
{% macro attributor_columns() -%}
    {{ return(adapter.dispatch('attributor_columns', 'journeys')()) }}
{%- endmacro %}

{% macro default__attributor_columns() -%}
    {{ clean_text('clientid') }}                    as client_local_id,
    {{ clean_text('finitial', upper=true) }}        as first_initial,
    {{ clean_text('sinitial', upper=true) }}        as surname_initial,
    {{ to_date('dob') }}                            as date_of_birth,
    {{ clean_text('sex', upper=true) }}             as sex
{%- endmacro %}

{% macro spark__attributor_columns() -%}
    client_key,
    cast(start_age_years as {{ dbt.type_int() }})   as start_age_years,
    {{ clean_text('sex', upper=true) }}             as sex
{%- endmacro %}

{#- stg_episodes: the client key, and what the age comes from: DOB on DuckDB (restricted layer only), the age in
    completed years at TRIAGED (REFLD when not triaged) derived before export on Spark. -#}
{% macro pseudonymised_attributes() -%}
    {{ return(adapter.dispatch('pseudonymised_attributes', 'journeys')()) }}
{%- endmacro %}

{% macro default__pseudonymised_attributes() -%}
    {{ client_key('first_initial', 'surname_initial', 'date_of_birth', 'sex') }} as client_key,
    date_of_birth
{%- endmacro %}

{% macro spark__pseudonymised_attributes() -%}
    client_key,
    start_age_years
{%- endmacro %}

{#- int_journeys__episodes: the age in completed years at triage_date (else referral_date) of episodes `rel`. -#}
{% macro episode_age_years(rel) -%}
    {{ return(adapter.dispatch('episode_age_years', 'journeys')(rel)) }}
{%- endmacro %}

{% macro default__episode_age_years(rel) -%}
    {{ age_in_years(rel ~ '.date_of_birth', 'coalesce(' ~ rel ~ '.triage_date, ' ~ rel ~ '.referral_date)') }}
{%- endmacro %}

{% macro spark__episode_age_years(rel) -%}
    {{ rel }}.start_age_years
{%- endmacro %}

{#- on-run-start: make the exported Parquet the dbt sources and seeds (Spark only; a no-op elsewhere).
    Each source table and seed becomes a view <schema>.<name> over $JOURNEYS_SPARK_DIR/export/<schema>/<name>;
    a Hive partition column of the export (raw rows: reporting_month) is left out of the view. -#}
{% macro register_sources() -%}
    {{ return(adapter.dispatch('register_sources', 'journeys')()) }}
{%- endmacro %}

{% macro default__register_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_sources() -%}
    {%- if execute -%}
        {%- set root = env_var('JOURNEYS_SPARK_DIR', '../data/spark') ~ '/export' -%}
        {%- set tables = [] -%}
        {%- for node in graph.sources.values() -%}
            {%- do tables.append((node.schema, node.name)) -%}
        {%- endfor -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'seed' -%}
            {%- do tables.append((node.schema, node.alias)) -%}
        {%- endfor -%}
        {%- for schema in tables | map(attribute=0) | unique -%}
            {%- do run_query('create schema if not exists ' ~ schema) -%}
        {%- endfor -%}
        {%- for schema, name in tables -%}
            {%- set files = 'parquet.`' ~ root ~ '/' ~ schema ~ '/' ~ name ~ '`' -%}
            {%- set columns = run_query('select * from ' ~ files ~ ' limit 0').column_names -%}
            {%- set kept = columns | reject('equalto', 'reporting_month') | list
                if schema == 'raw' else columns -%}
            {%- do run_query('create or replace view ' ~ schema ~ '.' ~ name ~ ' as select '
                ~ (kept | join(', ')) ~ ' from ' ~ files) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- dbt-spark's safe_cast is a plain cast; try_cast gives NULL for an invalid value as DuckDB's try_cast does
    (and stays so under ANSI mode). -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- Contracts declare DuckDB's VARCHAR; Spark SQL needs a length for VARCHAR, and STRING is its text type.
    dbt's contract check casts NULL to each declared type through this macro. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | lower | trim == 'varchar' else type }})
{%- endmacro %}
