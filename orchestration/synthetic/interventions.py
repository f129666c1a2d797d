"""Interventions (modalities) and sub-interventions of one in-treatment episode.

Pharmacological (94) mostly for opiate clients (stabilisation then maintenance or withdrawal), psychosocial (95)
for nearly everyone, recovery support (96) for about half. Psychosocial work usually starts first-line (PSYMOTI,
PSYCNMG, PSYSTP; RECMAID on the recovery side) and moves on to CBT relapse prevention and the like; about one in
seven starts straight on a second-line option (PSYCGBH / PSYDNMC). Clients with depression or anxiety often get
PSYMNTH. Every date lies within the episode: TRIAGED <= MODST <= SUBST <= SUBEND <= MODEND <= DISD."""

from __future__ import annotations

import random

from orchestration.synthetic.randomness import Weighted, between, lognormal_days
from orchestration.synthetic.records import Intervention, SubIntervention
from orchestration.synthetic.seed_codes import ALCOHOL, NON_OPIATE, OPIATE

NO_INTERVENTION = 0.04
TYPE_CHANCE = {OPIATE: (0.92, 0.75, 0.45), ALCOHOL: (0.25, 0.92, 0.50), NON_OPIATE: (0.06, 0.95, 0.45)}
SETTINGS = {
    "94": Weighted([("1", 0.80), ("2", 0.12), ("3", 0.05), ("4", 0.03)]),
    "95": Weighted([("1", 0.85), ("2", 0.05), ("4", 0.07), ("5", 0.03)]),
    "96": Weighted([("1", 0.80), ("5", 0.15), ("4", 0.05)]),
}
CUSTODY_SETTING = "6"
EARLY_EXIT = Weighted([("A", 0.70), ("B", 0.20), ("C", 0.10)])
SUCCESS = frozenset({"80", "81", "82"})

FIRST_PSYCHOSOCIAL = Weighted(
    [
        ("PSYMOTI", 0.50),
        ("PSYCNMG", 0.10),
        ("PSYSTP", 0.06),
        ("PSYCGBH", 0.12),
        ("PSYDNMC", 0.03),
        ("PSYCOUN", 0.08),
        ("PSYFSNI", 0.05),
        ("PSYCDP", 0.03),
        ("PSYOTHR", 0.03),
    ]
)
LATER_PSYCHOSOCIAL = Weighted(
    [
        ("PSYCGBH", 28),
        ("PSYFSNI", 12),
        ("PSYCOUN", 12),
        ("PSYCNMG", 10),
        ("PSYCDP", 6),
        ("PSYDNMC", 4),
        ("PSYOTHR", 6),
        ("PSYMOTI", 6),
        ("PSYSTP", 4),
    ]
)
RECOVERY = Weighted(
    [
        ("RECMAID", 40),
        ("RECPEER", 20),
        ("RECHSE", 8),
        ("RECEMP", 6),
        ("RECCHKP", 6),
        ("RECFMSP", 4),
        ("RECSMOK", 4),
        ("RECGNH", 4),
        ("RECRLPP", 2),
        ("RECEDUT", 2),
        ("RECWPRJ", 1),
        ("RECCMPT", 1),
        ("RECPRNT", 1),
        ("RECDAV", 1),
        ("RECDAP", 0.5),
        ("RECCONT", 1),
        ("RECOTH", 1),
    ]
)
MORE_PSYCHOSOCIAL = Weighted([(0, 0.15), (1, 0.25), (2, 0.25), (3, 0.20), (4, 0.15)])
MORE_RECOVERY = Weighted([(0, 0.25), (1, 0.30), (2, 0.25), (3, 0.20)])
MAINTENANCE_REVIEW_DAYS = 180  # maintenance prescribing is recorded as successive review periods
MENTAL_HEALTH_WORK = 0.45  # share of DEPANX=Y clients' psychosocial interventions with PSYMNTH
NO_SUBS = {"95": 0.07, "96": 0.10}
UNRECORDED_END = 0.15  # a sub-intervention that ran to the end of its intervention often has no SUBEND

CODES_USED = {
    *FIRST_PSYCHOSOCIAL.values,
    *LATER_PSYCHOSOCIAL.values,
    *RECOVERY.values,
    "PSYMNTH",
    "PHSTBL",
    "PHMAIN",
    "PHWTH",
    "PHRELPR",
}


class InterventionPlanner:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def plan(
        self, first: int, discharge: int, group: str, depanx: str, disrsn: str, custody: bool, received: bool
    ) -> list[Intervention]:
        """Interventions of an episode in treatment until ``discharge`` (its true, possibly future, discharge date)
        whose first intervention starts on ``first`` (TRIAGED or later; the others on or after it), ordered by
        start, with MODID/SUBID assigned."""
        rng = self.rng
        if rng.random() < NO_INTERVENTION:
            return []
        chances = TYPE_CHANCE[group]
        types = [modal for modal, chance in zip(("94", "95", "96"), chances, strict=True) if rng.random() < chance]
        made = [
            self._one(modal, first, discharge, group, depanx, disrsn, custody, received, exact=number == 0)
            for number, modal in enumerate(types or ["95"])
        ]
        first_psy = next((i for i in made if i.modal == "95"), None)
        if first_psy is not None and first_psy.end < discharge - 60 and rng.random() < 0.35:
            restart = first_psy.end + between(rng, 7, 60)
            made.append(self._one("95", min(restart, discharge), discharge, group, depanx, disrsn, custody, False))
        made.sort(key=lambda i: (i.start, i.modal))
        for number, intervention in enumerate(made, 1):
            intervention.modid = str(number)
            intervention.subs.sort(key=lambda s: (s.start, s.code))
            for sub_number, sub in enumerate(intervention.subs, 1):
                sub.subid = str(sub_number)
        return made

    def _one(
        self,
        modal: str,
        earliest: int,
        discharge: int,
        group: str,
        depanx: str,
        disrsn: str,
        custody: bool,
        received: bool,
        exact: bool = False,
    ) -> Intervention:
        rng = self.rng
        if exact:
            start = earliest
        elif modal == "96":
            start = earliest + between(rng, 0, 60)
        else:
            start = earliest if rng.random() < 0.45 else earliest + between(rng, 1, 21)
        start = min(start, discharge)
        end = min(self._end(modal, group, start, discharge), discharge)
        exit_status = EARLY_EXIT.pick(rng) if end < discharge else self._exit_at_discharge(disrsn)
        setting = CUSTODY_SETTING if custody else SETTINGS[modal].pick(rng)
        if modal == "94":
            subs = self._pharmacological(group, start, end, received)
        elif modal == "95":
            subs = self._psychosocial(start, end, depanx)
        else:
            subs = self._recovery(start, end)
        return Intervention(modal, setting, start, end, exit_status, subs)

    def _end(self, modal: str, group: str, start: int, discharge: int) -> int:
        rng = self.rng
        if modal == "94":
            if group == OPIATE:
                return discharge if rng.random() < 0.85 else start + lognormal_days(rng, 180, 0.6, 14)
            return discharge if rng.random() < 0.30 else start + between(rng, 7, 42)
        if modal == "95":
            return discharge if rng.random() < 0.55 else start + lognormal_days(rng, 100, 0.6, 7)
        return discharge if rng.random() < 0.50 else start + lognormal_days(rng, 90, 0.7, 7)

    def _exit_at_discharge(self, disrsn: str) -> str:
        draw = self.rng.random()
        if disrsn in SUCCESS:
            return "A"
        if disrsn in ("83", "84"):
            return "A" if draw < 0.5 else "C"
        if disrsn == "86":
            return "C"
        if disrsn == "87":
            return "B" if draw < 0.5 else "C"
        return "B"

    def _sub(self, code: str, start: int, end: int, intervention_end: int) -> SubIntervention:
        start = min(start, intervention_end)
        if end >= intervention_end:
            return SubIntervention(code, start, None if self.rng.random() < UNRECORDED_END else intervention_end)
        return SubIntervention(code, start, max(end, start))

    def _pharmacological(self, group: str, start: int, end: int, received: bool) -> list[SubIntervention]:
        rng = self.rng
        subs: list[SubIntervention] = []
        if group == OPIATE:
            cursor = start
            if not (received and rng.random() < 0.3):
                stable_end = start + between(rng, 14, 56)
                subs.append(self._sub("PHSTBL", start, stable_end, end))
                cursor = min(stable_end, end)
            if cursor < end or not subs:
                if rng.random() < 0.8:
                    while True:
                        review = cursor + lognormal_days(rng, MAINTENANCE_REVIEW_DAYS, 0.3, 90)
                        subs.append(self._sub("PHMAIN", cursor, review, end))
                        if review >= end:
                            break
                        cursor = review + 1
                else:
                    withdrawal_end = cursor + between(rng, 60, 180)
                    subs.append(self._sub("PHWTH", cursor, withdrawal_end, end))
                    if withdrawal_end < end and rng.random() < 0.5:
                        subs.append(self._sub("PHRELPR", withdrawal_end, end, end))
        elif group == ALCOHOL:
            withdrawal_end = start + between(rng, 5, 28)
            subs.append(self._sub("PHWTH", start, withdrawal_end, end))
            if withdrawal_end < end and rng.random() < 0.5:
                subs.append(self._sub("PHRELPR", withdrawal_end, end, end))
        else:
            stable_end = start + between(rng, 14, 42)
            subs.append(self._sub("PHSTBL", start, stable_end, end))
            if stable_end < end and rng.random() < 0.4:
                subs.append(self._sub("PHWTH", stable_end, stable_end + between(rng, 14, 60), end))
        return subs

    def _sequence(self, first: str, later: Weighted[str], more: int, start: int, end: int) -> list[SubIntervention]:
        rng = self.rng
        begin = start if rng.random() < 0.75 else min(start + between(rng, 1, 14), end)
        codes = [first]
        subs = [self._sub(first, begin, begin + lognormal_days(rng, 60, 0.6, 7), end)]
        for _ in range(more):
            begin += between(rng, 14, 90)
            code = later.pick_excluding(rng, codes)
            if begin > end or code is None:
                break
            codes.append(code)
            subs.append(self._sub(code, begin, begin + lognormal_days(rng, 60, 0.6, 7), end))
        return subs

    def _psychosocial(self, start: int, end: int, depanx: str) -> list[SubIntervention]:
        rng = self.rng
        if rng.random() < NO_SUBS["95"]:
            return []
        subs = self._sequence(FIRST_PSYCHOSOCIAL.pick(rng), LATER_PSYCHOSOCIAL, MORE_PSYCHOSOCIAL.pick(rng), start, end)
        if depanx == "Y" and rng.random() < MENTAL_HEALTH_WORK:
            begin = min(start + between(rng, 0, 90), end)
            subs.append(self._sub("PSYMNTH", begin, begin + lognormal_days(rng, 84, 0.5, 14), end))
        return subs

    def _recovery(self, start: int, end: int) -> list[SubIntervention]:
        if self.rng.random() < NO_SUBS["96"]:
            return []
        return self._sequence(RECOVERY.pick(self.rng), RECOVERY, MORE_RECOVERY.pick(self.rng), start, end)
