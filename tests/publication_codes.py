"""What the publication tests share: geography codes and months (North East and North West LAs of the seed) and the
DDL of the crafted marts."""

from __future__ import annotations

import re
from datetime import date

ENGLAND = "E92000001"
NE = "E12000001"  # North East: E06000001..E06000005 among its LAs
NW = "E12000002"  # North West: E06000006 among its LAs
LA1, LA2, LA3, LA4, LA5 = "E06000001", "E06000002", "E06000003", "E06000004", "E06000005"
NW_LA = "E06000006"
JUNE, MAY = date(2025, 6, 1), date(2025, 5, 1)
ATTRIBUTOR_LIKE = re.compile(r"client_?key|client_?id|dob|finitial|sinitial|episode_?key", re.IGNORECASE)

# the marts tables the packs read, as crafted test data fills them
MARTS_DDL = """
create schema marts;
create table marts.qs8_measures (period_type varchar, period_start date, period_end date, complete boolean,
    geography_level varchar, geography_code varchar, measure varchar, numerator bigint, denominator bigint,
    rate double);
create table marts.retention_3_months (cohort_month date, geography_level varchar, geography_code varchar,
    new_presentations bigint, retained bigint, not_retained bigint, pending bigint, retention_rate double);
create table marts.transfer_outcomes (month date, geography_level varchar, geography_code varchar,
    transfers bigint, picked_up bigint, lost bigint, pending bigint, pickup_rate double);
create table marts.nice_concordance (cohort_month date, geography_level varchar, geography_code varchar,
    journeys_with_psychosocial bigint, second_line_first bigint, share double);
"""
