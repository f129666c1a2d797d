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

    {{ geography_levels(
        'psychological_sub_interventions',
        ['period_type', 'period_start', 'client_key']
    ) }}

),

flag_evidence as (

    {{ geography_levels(
        'treated_elsewhere_episodes',
        ['period_type', 'period_start', 'client_key']
    ) }}

),

flagged as (

    select
        {{ qs8_grain_columns('denominator') }},
        denominator.client_key,
        exists(
            select 1
            from sub_intervention_evidence as evidence
            where {{ qs8_same_client_unit('evidence', 'denominator') }}
        ) as has_psychological_sub_intervention,
        exists(
            select 1
            from flag_evidence as evidence
            where {{ qs8_same_client_unit('evidence', 'denominator') }}
        ) as has_mh_psy_tx
    from denominator

)

select
    {{ qs8_grain_columns() }},
    client_key,
    cast(has_psychological_sub_intervention as {{ dbt.type_boolean() }}) as has_psychological_sub_intervention,
    cast(has_mh_psy_tx as {{ dbt.type_boolean() }}) as has_mh_psy_tx
from flagged
where has_psychological_sub_intervention or has_mh_psy_tx
