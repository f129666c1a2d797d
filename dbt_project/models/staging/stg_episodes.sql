{# Versions ranked with latest_version_rank() (macros/versions.sql); rank 1 is kept. #}

with ranked as (
    select
        *,
        {{ latest_version_rank(['provider_code', 'episode_id']) }} as version_rank
    from {{ ref('stg_submission_rows') }}
    where provider_code is not null
        and episode_id is not null
)

select
    episode_key,
    provider_code,
    episode_id,
    {{ pseudonymised_attributes() }},  -- client_key, date_of_birth (Spark: start_age_years): macros/engines.sql
    la_code,
    referral_date,
    triage_date,
    discharge_date,
    discharge_reason,
    drug_code,
    injecting_status,
    mh_need,
    dep_anx,
    mh_psy_tx,
    sex,
    version_month,
    submission_id
from ranked
where version_rank = 1
