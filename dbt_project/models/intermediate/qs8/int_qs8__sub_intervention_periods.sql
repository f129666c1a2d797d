{# Sub-interventions of the QS8 code sets x the periods they overlap (measures.md).

    A sub-intervention overlaps period P when its interval [SUBST, effective end] meets P, i.e.
    SUBST <= measure_end and effective_end >= P.start, where effective_end = coalesce(SUBEND, MODEND, DISD, as_of)
    (computed upstream in int_journeys__sub_interventions) and measure_end = least(P.end, as_of) ("measured up to as_of").
    A sub-intervention spanning 31 March / 1 April therefore counts in both months and both financial years.

    - Only sub-interventions on in-treatment episodes (TRIAGED set) are kept: those of referral-only episodes count
      nowhere.
    - Geography comes from the episode (the unit the sub-intervention is attributed to).
    - The code sets are reference data (seeds formal_psychosocial_set, psychological_treatment_set); only codes
      in either set are kept, flagged per set.
    - The episode carrying the sub-intervention is NOT required here to be in treatment in P: with valid data
      [SUBST, effective end] lies within [TRIAGED, DISD] so it always is; the per-unit numerators additionally
      require the client to be in that unit's denominator (see int_qs8a__numerator, int_qs8b__numerator). #}

with periods as (

    select *
    from {{ ref('int_qs8__periods') }}

),

formal_set as (

    select distinct sub_intervention_code
    from {{ ref('formal_psychosocial_set') }}

),

psychological_set as (

    select distinct sub_intervention_code
    from {{ ref('psychological_treatment_set') }}

),

codes as (

    select
        codes.sub_intervention_code,
        max(case when codes.in_formal_set = 1 then 1 else 0 end) = 1 as in_formal_set,
        max(case when codes.in_psychological_set = 1 then 1 else 0 end) = 1 as in_psychological_set
    from (
        select
            sub_intervention_code,
            1 as in_formal_set,
            0 as in_psychological_set
        from formal_set
        union all
        select
            sub_intervention_code,
            0 as in_formal_set,
            1 as in_psychological_set
        from psychological_set
    ) as codes
    group by codes.sub_intervention_code

),

episodes as (

    select
        episode_key,
        client_key,
        provider_code,
        la_code,
        region_code
    from {{ ref('int_journeys__episodes') }}
    where triage_date is not null
        and client_key is not null

),

sub_interventions as (

    select
        sub.episode_key,
        sub.modality_id,
        sub.sub_id,
        sub.sub_intervention_code,
        sub.sub_start,
        sub.effective_end,
        episodes.client_key,
        episodes.provider_code,
        episodes.la_code,
        episodes.region_code,
        codes.in_formal_set,
        codes.in_psychological_set
    from {{ ref('int_journeys__sub_interventions') }} as sub
    inner join episodes
        on sub.episode_key = episodes.episode_key
    inner join codes
        on sub.sub_intervention_code = codes.sub_intervention_code
    where sub.sub_start is not null

)

select
    periods.period_type,
    periods.period_start,
    periods.period_end,
    periods.measure_end,
    periods.complete,
    sub_interventions.episode_key,
    sub_interventions.modality_id,
    sub_interventions.sub_id,
    sub_interventions.sub_intervention_code,
    sub_interventions.sub_start,
    sub_interventions.effective_end,
    sub_interventions.client_key,
    sub_interventions.provider_code,
    sub_interventions.la_code,
    sub_interventions.region_code,
    cast(sub_interventions.in_formal_set as {{ dbt.type_boolean() }}) as in_formal_set,
    cast(sub_interventions.in_psychological_set as {{ dbt.type_boolean() }}) as in_psychological_set
from sub_interventions
inner join periods
    on sub_interventions.sub_start <= periods.measure_end
        and sub_interventions.effective_end >= periods.period_start
