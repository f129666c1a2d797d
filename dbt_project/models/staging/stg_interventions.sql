{# Versions ranked with latest_version_rank() (macros/versions.sql); rank 1 is kept. #}

with ranked as (
    select
        *,
        {{ latest_version_rank(['provider_code', 'episode_id', 'modality_id']) }} as version_rank
    from {{ ref('stg_submission_rows') }}
    where provider_code is not null
        and episode_id is not null
        and modality_id is not null
)

select
    episode_key,
    modality_id,
    intervention_type,
    setting,
    modality_start,
    modality_end,
    modality_exit,
    version_month
from ranked
where version_rank = 1
