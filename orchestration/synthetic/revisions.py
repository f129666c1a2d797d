"""How providers' records change between monthly extracts, beyond new events.

- Late recording: 10% of discharges first appear in the file of the month after the discharge.
- Corrections: 3% of episodes have one value corrected after it first appeared: DRUG1 (a plausible neighbouring
  code, 4-12 months later), DISD (first recorded a few days late, within the month it first appears in) or one SUBEND
  (first recorded a few days early), 1-3 months later. Both values always satisfy every date rule.
- Vanishing records: 0.5% of episodes are missing from one later month's file (an extract glitch; they come
  back), and 0.4% of sub-interventions disappear for good 1-4 months after they start (recorded in error)."""

from __future__ import annotations

import random

from orchestration.synthetic.dates import last_day, month_of
from orchestration.synthetic.randomness import between
from orchestration.synthetic.records import Episode, SubIntervention

LATE_DISCHARGE = 0.10
CORRECTION = 0.03
EXTRACT_GLITCH = 0.005
DELETED_SUB_INTERVENTION = 0.004
DRUG1_MISTAKES = {
    "1011": "1200",
    "1200": "1011",
    "1105": "1011",
    "3200": "5000",
    "5000": "3200",
    "3201": "3200",
    "3100": "3406",
    "3406": "3100",
    "2200": "9000",
    "6000": "5000",
    "9000": "5000",
}


class Reviser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def revise(self, episode: Episode) -> None:
        """Maybe revise ``episode`` in a later month's file, as providers do."""
        rng = self.rng
        if episode.disd is not None and rng.random() < LATE_DISCHARGE:
            episode.disd_lag = 1
        if rng.random() < CORRECTION:
            self._correct(episode)
        if rng.random() < EXTRACT_GLITCH:
            episode.absent_month = month_of(episode.refld) + between(rng, 1, 12)
        for intervention in episode.interventions:
            for sub in intervention.subs:
                if rng.random() < DELETED_SUB_INTERVENTION:
                    sub.deleted_month = month_of(sub.start) + between(rng, 1, 4)

    def _correct(self, episode: Episode) -> None:
        rng = self.rng
        ended: list[tuple[SubIntervention, int]] = [
            (sub, sub.end)
            for i in episode.interventions
            for sub in i.subs
            if sub.end is not None and sub.end - sub.start >= 2
        ]
        options = [
            kind
            for kind, possible in (
                ("DRUG1", episode.drug1 in DRUG1_MISTAKES),
                ("DISD", episode.disd is not None),
                ("SUBEND", bool(ended)),
            )
            if possible
        ]
        if not options:
            return
        kind = options[int(rng.random() * len(options))]
        delay = between(rng, 1, 3)
        if kind == "DRUG1":
            episode.wrong_drug1 = DRUG1_MISTAKES[episode.drug1]
            episode.fix_month = month_of(episode.refld) + delay * 4  # noticed at a review, up to a year later
        elif kind == "DISD" and episode.disd is not None:
            shown_from = month_of(episode.disd) + episode.disd_lag
            wrong = min(episode.disd + between(rng, 1, 7), last_day(shown_from))
            if wrong > episode.disd:
                episode.wrong_disd = wrong
                episode.fix_month = shown_from + delay
        else:
            sub, end = ended[int(rng.random() * len(ended))]
            sub.wrong_end = end - between(rng, 1, min(7, end - sub.start))
            sub.fix_month = month_of(end) + delay
