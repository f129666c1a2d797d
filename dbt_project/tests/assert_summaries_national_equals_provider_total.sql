{# Each journey (transfer) has exactly one provider, so national counts equal the sum over providers. #}

with retention as (
    select
        cohort_month as month,
        sum(case when geography_level = 'national' then new_presentations else 0 end) as national,
        sum(case when geography_level = 'provider' then new_presentations else 0 end) as providers
    from {{ ref('retention_3_months') }}
    group by cohort_month
),

transfers as (
    select
        month,
        sum(case when geography_level = 'national' then transfers else 0 end) as national,
        sum(case when geography_level = 'provider' then transfers else 0 end) as providers
    from {{ ref('transfer_outcomes') }}
    group by month
)

select
    'retention_3_months' as mart,
    month,
    national,
    providers
from retention
where national <> providers
union all
select
    'transfer_outcomes' as mart,
    month,
    national,
    providers
from transfers
where national <> providers
