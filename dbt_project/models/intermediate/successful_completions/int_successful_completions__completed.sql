{# Geography comes from the exit episode (exit_episode_key), not the journey's first episode. #}

with completions as (
    select
        windows.period_start,
        windows.period_end,
        journeys.client_key,
        exit_episode.provider_code,
        exit_episode.la_code,
        exit_episode.region_code,
        case when re_presentation.re_presented = false then 1 else 0 end as not_re_presented
    from {{ ref('int_journeys__journeys') }} as journeys
    inner join {{ ref('int_successful_completions__windows') }} as windows
        on journeys.end_date >= windows.period_start
            and journeys.end_date <= windows.period_end
    inner join {{ ref('int_journeys__episodes') }} as exit_episode
        on journeys.exit_episode_key = exit_episode.episode_key
    left join {{ ref('int_successful_completions__re_presentation') }} as re_presentation
        on journeys.journey_key = re_presentation.journey_key
    where journeys.exit_group = 'successful completion'
),

by_geography as (
    {{ geography_levels('completions', ['period_start', 'period_end', 'client_key', 'not_re_presented']) }}
)

select
    {{ completions_grain_columns() }},
    client_key,
    max(not_re_presented) = 1 as not_re_presented
from by_geography
group by
    {{ completions_grain_columns() }},
    client_key
