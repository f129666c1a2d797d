{# Versions ranked with latest_version_rank(); MODAL is read from the winning sub-intervention row itself. #}

with ranked as (
    select
        *,
        {{ latest_version_rank(['provider_code', 'episode_id', 'modality_id', 'sub_id']) }} as version_rank
    from {{ ref('stg_submission_rows') }}
    where provider_code is not null
        and episode_id is not null
        and modality_id is not null
        and sub_id is not null
)

select
    episode_key,
    modality_id,
    sub_id,
    sub_intervention_code,
    intervention_type,
    sub_start,
    sub_end,
    version_month
from ranked
where version_rank = 1
