{# The age comes from a dispatched macro (engines.sql): DOB on DuckDB, the exported age on Spark. #}

with episodes as (
    select * from {{ ref('stg_episodes') }}
),

as_of as (
    select as_of from {{ ref('int_journeys__as_of') }}
),

regions as (
    select
        la_code,
        region_code
    from {{ ref('la_regions') }}
),

discharge_reasons as (
    select
        discharge_reason,
        discharge_group
    from {{ ref('discharge_reasons') }}
),

drugs as (
    select
        drug_code,
        substance_group
    from {{ ref('drug_codes') }}
),

age_bands as (
    select
        age_band,
        min_age,
        max_age
    from {{ ref('age_bands') }}
),

aged as (
    select
        episodes.*,
        {{ episode_age_years('episodes') }} as age_years  -- macros/engines.sql
    from episodes
)

select
    aged.episode_key,
    aged.provider_code,
    aged.episode_id,
    aged.client_key,
    aged.la_code,
    aged.referral_date,
    aged.triage_date,
    aged.discharge_date,
    aged.discharge_reason,
    aged.drug_code,
    aged.injecting_status,
    aged.mh_need,
    aged.dep_anx,
    aged.mh_psy_tx,
    aged.sex,
    aged.version_month,
    aged.submission_id,
    regions.region_code,
    discharge_reasons.discharge_group,
    drugs.substance_group,
    age_bands.age_band,
    aged.triage_date is not null as in_treatment,
    coalesce(aged.discharge_date, as_of.as_of) as treatment_end
from aged
cross join as_of
left join regions
    on aged.la_code = regions.la_code
left join discharge_reasons
    on aged.discharge_reason = discharge_reasons.discharge_reason
left join drugs
    on aged.drug_code = drugs.drug_code
left join age_bands
    on aged.age_years between age_bands.min_age and age_bands.max_age
