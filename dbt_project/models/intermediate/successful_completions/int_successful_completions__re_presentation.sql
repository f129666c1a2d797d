{# The next journey is journey_seq + 1 of the same client. dbt.dateadd('month', ...) clamps to the month's last
    day (31 August + 6 months = 28/29 February) on DuckDB and on Spark. #}

with journeys as (
    select
        journey_key,
        client_key,
        journey_seq,
        start_date,
        end_date
    from {{ ref('int_journeys__journeys') }}
),

as_of as (
    select as_of from {{ ref('int_journeys__as_of') }}
),

followed as (
    select
        journeys.journey_key,
        journeys.end_date,
        cast({{ dbt.dateadd('month', var('re_presentation_months'), 'journeys.end_date') }} as date)
            as re_presentation_deadline,
        next_journey.start_date as next_start_date
    from journeys
    left join journeys as next_journey
        on journeys.client_key = next_journey.client_key
            and next_journey.journey_seq = journeys.journey_seq + 1
)

select
    followed.journey_key,
    followed.re_presentation_deadline,
    followed.next_start_date,
    case
        when followed.end_date is null then null
        when followed.next_start_date <= followed.re_presentation_deadline then true
        when followed.re_presentation_deadline <= as_of.as_of then false
    end as re_presented
from followed
cross join as_of
