{# The journeys' episode counts add up to the in-treatment episodes that carry a journey_key. #}

with journeys as (
    select coalesce(sum(episode_count), 0) as n from {{ ref('journeys') }}
),

episodes as (
    select count(*) as n from {{ ref('episodes') }}
    where journey_key is not null
)

select
    journeys.n as journey_episodes,
    episodes.n as episodes_with_journey
from journeys cross join episodes
where journeys.n <> episodes.n
