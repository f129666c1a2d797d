{# Two evidence routes (sub-interventions, MHPSYTX episodes) fanned out to geography levels, then a semi-join. #}

with denominator as (

    select *
    from {{ ref('int_qs8b__denominator') }}

),

psychological_sub_interventions as (

    select *
    from {{ ref('int_qs8__sub_intervention_periods') }}
    where in_psychological_set

),

treated_elsewhere_episodes as (

    select *
    from {{ ref('int_qs8__episode_periods') }}
    where mh_psy_tx = 'Y'

),

sub_intervention_evidence as (

    {{ qs8_geography_rows(
        'psychological_sub_interventions',
        ['period_type', 'period_start', 'client_key']
    ) }}

),

flag_evidence as (

    {{ qs8_geography_rows(
        'treated_elsewhere_episodes',
        ['period_type', 'period_start', 'client_key']
    ) }}

),

flagged as (

    select
        denominator.period_type,
        denominator.period_start,
        denominator.period_end,
        denominator.complete,
        denominator.geography_level,
        denominator.geography_code,
        denominator.client_key,
        exists(
            select 1
            from sub_intervention_evidence as evidence
            where evidence.period_type = denominator.period_type
                and evidence.period_start = denominator.period_start
                and evidence.geography_level = denominator.geography_level
                and evidence.geography_code = denominator.geography_code
                and evidence.client_key = denominator.client_key
        ) as has_psychological_sub_intervention,
        exists(
            select 1
            from flag_evidence as evidence
            where evidence.period_type = denominator.period_type
                and evidence.period_start = denominator.period_start
                and evidence.geography_level = denominator.geography_level
                and evidence.geography_code = denominator.geography_code
                and evidence.client_key = denominator.client_key
        ) as has_mh_psy_tx
    from denominator

)

select
    period_type,
    period_start,
    period_end,
    complete,
    geography_level,
    geography_code,
    client_key,
    cast(has_psychological_sub_intervention as {{ dbt.type_boolean() }}) as has_psychological_sub_intervention,
    cast(has_mh_psy_tx as {{ dbt.type_boolean() }}) as has_mh_psy_tx
from flagged
where has_psychological_sub_intervention or has_mh_psy_tx
