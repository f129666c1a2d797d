"""Who the clients are: attributors, age, primary substance and clinical profile (injecting, mental health).

Targets (issue text): primary substance ~44% opiate / 30% alcohol / 26% non-opiate; ~70% with a mental-health
treatment need (MHNEED=Y), most of those with depression or anxiety (DEPANX=Y), a quarter of those already in
psychological treatment elsewhere (MHPSYTX=Y)."""

from __future__ import annotations

import random

from orchestration.synthetic.randomness import Weighted, clipped_gauss
from orchestration.synthetic.seed_codes import ALCOHOL, NON_OPIATE, OPIATE

GROUPS = Weighted([(OPIATE, 0.44), (ALCOHOL, 0.30), (NON_OPIATE, 0.26)])
DRUGS = {
    OPIATE: Weighted([("1011", 0.85), ("1105", 0.04), ("1200", 0.11)]),
    ALCOHOL: Weighted([("7000", 1.0)]),
    NON_OPIATE: Weighted(
        [
            ("3200", 0.30),
            ("3201", 0.18),
            ("5000", 0.30),
            ("2200", 0.05),
            ("3100", 0.06),
            ("3406", 0.02),
            ("6000", 0.02),
            ("9000", 0.07),
        ]
    ),
}
AGE = {OPIATE: (40.0, 9.0, 75.0), ALCOHOL: (46.0, 12.0, 85.0), NON_OPIATE: (31.0, 9.0, 70.0)}  # mean, sd, max
MIN_AGE = 18.5  # at the first referral; keeps every later date (and every injected date fault) at 18+
MALE = {OPIATE: 0.70, ALCOHOL: 0.60, NON_OPIATE: 0.72}
NOT_STATED_SEX = 0.01

FIRST_INITIALS = Weighted(
    list(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (8, 3, 6, 7, 3, 2, 3, 3, 1, 10, 5, 5, 9, 3, 0.5, 5, 0.1, 5, 8, 4, 0.2, 1, 2, 0.1, 0.3, 0.5),
            strict=True,
        )
    )
)
SURNAME_INITIALS = Weighted(
    list(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (3, 9, 7, 5, 2, 4, 5, 8, 0.5, 3, 3, 5, 8, 2, 1, 6, 0.2, 5, 9, 5, 0.3, 1, 7, 0.1, 1, 0.2),
            strict=True,
        )
    )
)
LOWERCASE_INITIALS = 0.02  # some providers' systems store initials in lower case ("any case" is allowed)

INJECTING = {
    OPIATE: Weighted([("P", 0.35), ("C", 0.22), ("N", 0.36), ("Z", 0.04), ("", 0.03)]),
    ALCOHOL: Weighted([("N", 0.88), ("P", 0.05), ("C", 0.01), ("Z", 0.03), ("", 0.03)]),
    NON_OPIATE: Weighted([("N", 0.84), ("P", 0.07), ("C", 0.03), ("Z", 0.03), ("", 0.03)]),
}
MH_NEED = Weighted([("Y", 0.70), ("N", 0.24), ("Z", 0.04), ("", 0.02)])
DEPANX_IF_NEED = Weighted([("Y", 0.62), ("N", 0.30), ("Z", 0.06), ("", 0.02)])
DEPANX_OTHERWISE = Weighted([("N", 0.60), ("Z", 0.25), ("", 0.15)])
PSYCH_TREATMENT_IF_DEPANX = Weighted([("Y", 0.25), ("N", 0.62), ("Z", 0.10), ("", 0.03)])
PSYCH_TREATMENT_OTHERWISE = Weighted([("N", 0.55), ("Z", 0.25), ("", 0.20)])

CODES_USED = {
    "drug": {code for distribution in DRUGS.values() for code in distribution.values},
    "injecting": {code for distribution in INJECTING.values() for code in distribution.values if code},
    "yes/no": {"Y", "N", "Z"},
}


def initials(rng: random.Random) -> tuple[str, str]:
    """First and surname initials, drawn from realistic frequencies."""
    first, second = FIRST_INITIALS.pick(rng), SURNAME_INITIALS.pick(rng)
    if rng.random() < LOWERCASE_INITIALS:
        return first.lower(), second.lower()
    return first, second


def sex(rng: random.Random, group: str) -> str:
    """A sex code for someone in ``group``."""
    draw = rng.random()
    if draw < NOT_STATED_SEX:
        return "X"
    return "M" if draw < NOT_STATED_SEX + (1 - NOT_STATED_SEX) * MALE[group] else "F"


def age_at_first_referral(rng: random.Random, group: str) -> float:
    """An age in years at first referral for ``group``."""
    mean, sd, oldest = AGE[group]
    return clipped_gauss(rng, mean, sd, MIN_AGE, oldest)


def clinical_profile(rng: random.Random, group: str) -> tuple[str, str, str, str]:
    """INJSTAT, MHNEED, DEPANX, MHPSYTX for one episode."""
    need = MH_NEED.pick(rng)
    depanx = (DEPANX_IF_NEED if need == "Y" else DEPANX_OTHERWISE).pick(rng)
    treated = (PSYCH_TREATMENT_IF_DEPANX if depanx == "Y" else PSYCH_TREATMENT_OTHERWISE).pick(rng)
    return INJECTING[group].pick(rng), need, depanx, treated
