{# Every in-treatment episode (with a client key) has a journey; a referral-only episode never has one. #}

select
    episode_key,
    triage_date,
    journey_key
from {{ ref('episodes') }}
where (triage_date is null and journey_key is not null)
    or (triage_date is not null and client_key is not null and journey_key is null)
