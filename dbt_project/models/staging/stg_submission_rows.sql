{# A view, so the attributors are not copied into another table. #}

{{ config(materialized='view') }}
with submissions as (
    select
        submission_id,
        reporting_month
    from {{ ref('stg_submissions') }}
    where is_current
),

quarantined as (
    select distinct
        submission_id,
        source_line
    from {{ source('quarantine', 'rows') }}
    where lower(trim(severity)) = 'error'
),

rows as (
    select
        r.*,
        s.reporting_month
    from {{ source('raw', 'submission_rows') }} as r
    inner join submissions as s
        on r.submission_id = s.submission_id
    where not exists (
            select 1
            from quarantined as q
            where q.submission_id = r.submission_id
                and q.source_line = r.source_line
        )
)

select
    cast(submission_id as {{ dbt.type_bigint() }}) as submission_id,
    cast(source_line as {{ dbt.type_bigint() }}) as source_line,
    reporting_month as version_month,
    {{ clean_text('agncy') }} as provider_code,
    {{ clean_text('episodid') }} as episode_id,
    {{ dbt.concat([clean_text('agncy'), "':'", clean_text('episodid')]) }} as episode_key,
    -- restricted attributors
    {{ attributor_columns() }},  -- Spark: client_key, start_age_years, derived before export (macros/engines.sql)
    -- episode
    {{ clean_text('la', upper=true) }} as la_code,
    {{ to_date('refld') }} as referral_date,
    {{ to_date('triaged') }} as triage_date,
    {{ clean_text('drug1', upper=true) }} as drug_code,
    {{ clean_text('injstat', upper=true) }} as injecting_status,
    coalesce({{ clean_text('mhneed', upper=true) }}, 'Z') as mh_need,
    coalesce({{ clean_text('depanx', upper=true) }}, 'Z') as dep_anx,
    coalesce({{ clean_text('mhpsytx', upper=true) }}, 'Z') as mh_psy_tx,
    {{ to_date('disd') }} as discharge_date,
    {{ clean_text('disrsn', upper=true) }} as discharge_reason,
    -- intervention (modality)
    {{ clean_text('modid') }} as modality_id,
    {{ clean_text('modal', upper=true) }} as intervention_type,
    {{ clean_text('modset', upper=true) }} as setting,
    {{ to_date('modst') }} as modality_start,
    {{ to_date('modend') }} as modality_end,
    {{ clean_text('modexit', upper=true) }} as modality_exit,
    -- sub-intervention
    {{ clean_text('subid') }} as sub_id,
    {{ clean_text('subint', upper=true) }} as sub_intervention_code,
    {{ to_date('subst') }} as sub_start,
    {{ to_date('subend') }} as sub_end
from rows
