"""The simulated case records. Dates are day ordinals; a record holds its *true* history (dates may lie beyond the
data window: they are simply not yet known in the files), plus the revisions a provider makes to it over time
(late recording, corrections, records that vanish from an extract)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Person:
    """Attributors are fixed for life: identical at every provider, which is how people are linked."""

    finitial: str
    sinitial: str
    sex: str
    dob: int
    drug1: str
    group: str  # substance group of drug1
    la: str
    provider: int  # current (home) provider
    profile: tuple[str, str, str, str] = ("", "", "", "")  # INJSTAT, MHNEED, DEPANX, MHPSYTX as last assessed
    clientids: dict[int, str] = field(default_factory=dict)  # provider -> provider-local CLIENTID


@dataclass(slots=True)
class SubIntervention:
    code: str
    start: int
    end: int | None  # None: not recorded even once ended
    subid: str = ""
    wrong_end: int | None = None  # SUBEND first recorded as this, corrected in fix_month
    fix_month: int = 0
    deleted_month: int | None = None  # absent from this month's file onwards


@dataclass(slots=True)
class Intervention:
    modal: str
    modset: str
    start: int
    end: int
    exit: str
    subs: list[SubIntervention]
    modid: str = ""


@dataclass(slots=True)
class Episode:
    person: Person
    provider: int
    la: str
    refld: int
    triaged: int | None  # None: referral only
    disd: int | None  # None: never discharged
    disrsn: str
    drug1: str
    injstat: str
    mhneed: str
    depanx: str
    mhpsytx: str
    custody: bool = False
    interventions: list[Intervention] = field(default_factory=list)
    clientid: str = ""
    episodid: str = ""
    disd_lag: int = 0  # months between the discharge and its first appearance in a file
    wrong_disd: int | None = None  # DISD first recorded as this, corrected in fix_month
    wrong_drug1: str | None = None  # DRUG1 first recorded as this, corrected in fix_month
    fix_month: int = 0
    absent_month: int | None = None  # missing from this one month's file (extract glitch)
