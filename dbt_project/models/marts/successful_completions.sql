{# in_treatment drives the rows; completed and died are left joined, so they count only clients in treatment. #}

with flags as (
    select
        {{ completions_grain_columns('it') }},
        it.substance_group,
        case when completed.client_key is not null then 1 else 0 end as completed,
        case when completed.not_re_presented then 1 else 0 end as completed_not_re_presented,
        case when died.client_key is not null then 1 else 0 end as died
    from {{ ref('int_successful_completions__in_treatment') }} as it
    left join {{ ref('int_successful_completions__completed') }} as completed
        on {{ completions_same_client_unit('it', 'completed') }}
    left join {{ ref('int_successful_completions__died') }} as died
        on {{ completions_same_client_unit('it', 'died') }}
),

by_group as (
    select
        {{ completions_grain_columns() }},
        'all' as substance_group,
        completed,
        completed_not_re_presented,
        died
    from flags
    union all
    select
        {{ completions_grain_columns() }},
        substance_group,
        completed,
        completed_not_re_presented,
        died
    from flags
    where substance_group is not null
),

counted as (
    select
        {{ completions_grain_columns() }},
        substance_group,
        count(*) as in_treatment,
        sum(completed) as completed,
        sum(completed_not_re_presented) as completed_not_re_presented,
        sum(died) as died
    from by_group
    group by
        {{ completions_grain_columns() }},
        substance_group
)

select
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    cast(geography_level as {{ dbt.type_string() }}) as geography_level,
    cast(geography_code as {{ dbt.type_string() }}) as geography_code,
    cast(substance_group as {{ dbt.type_string() }}) as substance_group,
    cast(in_treatment as {{ dbt.type_bigint() }}) as in_treatment,
    cast(completed as {{ dbt.type_bigint() }}) as completed,
    cast(completed_not_re_presented as {{ dbt.type_bigint() }}) as completed_not_re_presented,
    cast(completed - completed_not_re_presented as {{ dbt.type_bigint() }}) as re_presented,
    cast(died as {{ dbt.type_bigint() }}) as died,
    {{ safe_rate('completed_not_re_presented', 'in_treatment') }} as rate
from counted
