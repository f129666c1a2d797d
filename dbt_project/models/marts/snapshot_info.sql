{# Every part is an aggregate or a scalar, so there is exactly one row even on an empty warehouse. #}

with as_of as (
    select max(as_of) as as_of from {{ ref('int_journeys__as_of') }}
),

pipeline as (
    select
        max(pipeline_version) as pipeline_version,
        max(key_fingerprint) as key_fingerprint
    from {{ source('ingest', 'pipeline_info') }}
),

counts as (
    select
        coalesce(sum(case when status in ('accepted', 'partially_accepted') then 1 else 0 end), 0)
            as submissions_accepted,
        count(*) as submissions_total
    from {{ ref('submissions') }}
)

select
    as_of.as_of,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as built_at,
    pipeline.pipeline_version,
    pipeline.key_fingerprint,
    cast(counts.submissions_accepted as {{ dbt.type_bigint() }}) as submissions_accepted,
    cast(counts.submissions_total as {{ dbt.type_bigint() }}) as submissions_total
from as_of
cross join pipeline
cross join counts
