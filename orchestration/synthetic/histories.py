"""One person's treatment history: a sequence of episodes at one or more providers.

- First presentation: uniform over the 24 months before ``start`` and the data window; a quarter of opiate clients
  are long-term, triaged up to six years before ``start`` and still in treatment when the first file's window opens.
- 6% of presentations are referrals only (no TRIAGED): most closed with DISRSN 88 (some 85), a quarter left open.
- Exit reasons by substance group: about half successful completions (80; 81/82 for alcohol; 80/82 for
  non-opiates, never 82 for opiates or crack), ~7% transfers (83), ~4% custody transfers (84), the rest unplanned
  (85-88) and deaths (89: 4% of opiate, 2.5% of alcohol, ~1% of non-opiate exits), which makes about 1.5% of the
  people in treatment in a year die in treatment. Lengths of stay are log-normal by exit reason and substance.
- Waits from referral to first intervention (NDTMS waiting times): ~91% within 3 weeks (a fifth the same day),
  with a tail of 3-10 weeks and a few up to 5 months. The wait is split between referral -> triage and
  triage -> first intervention (mostly the same day).
- Transfers: ~78% picked up within 21 days (17% of those *before* the discharge, ~12% 15-21 days after), 5% picked
  up late (22-60 days), 17% never (lost). Custody transfers are picked up in prison (MODSET 6).
- Re-presentation after an unplanned exit (half of them): 1-14 days, 15-21 days (just inside the journey rule),
  22-30 days (just outside) or months later. After a successful completion a quarter come back: under half of
  them within 6 months (22-182 days: a re-presentation for the PHOF indicator), the rest later (6-30 months).
- 5% of longer episodes have a concurrent episode at a second provider (an alcohol service for half of opiate
  clients)."""

from __future__ import annotations

import random

from orchestration.synthetic.data_window import Horizon
from orchestration.synthetic.dates import years_to_days
from orchestration.synthetic.geography import Geography
from orchestration.synthetic.interventions import SUCCESS, InterventionPlanner
from orchestration.synthetic.people import DRUGS, GROUPS, age_at_first_referral, clinical_profile, initials, sex
from orchestration.synthetic.randomness import Weighted, between, lognormal_days
from orchestration.synthetic.records import Episode, Person
from orchestration.synthetic.revisions import Reviser
from orchestration.synthetic.seed_codes import ALCOHOL, NON_OPIATE, OPIATE, Reference

MAX_EPISODES = 10
ALCOHOL_CODE = "7000"
LONG_TERM_OPIATE = 0.25
REFERRAL_ONLY = 0.06
CONCURRENT = 0.05
SAME_DRUG_AGAIN = 0.90
NEW_ASSESSMENT = 0.10  # a later episode re-assesses injecting and mental health
EXITS = {
    OPIATE: Weighted(
        [
            ("success", 0.36),
            ("83", 0.08),
            ("84", 0.05),
            ("85", 0.35),
            ("86", 0.07),
            ("87", 0.04),
            ("88", 0.01),
            ("89", 0.04),
        ]
    ),
    ALCOHOL: Weighted(
        [
            ("success", 0.58),
            ("83", 0.06),
            ("84", 0.02),
            ("85", 0.235),
            ("86", 0.05),
            ("87", 0.01),
            ("88", 0.02),
            ("89", 0.025),
        ]
    ),
    NON_OPIATE: Weighted(
        [
            ("success", 0.60),
            ("83", 0.06),
            ("84", 0.04),
            ("85", 0.217),
            ("86", 0.04),
            ("87", 0.02),
            ("88", 0.015),
            ("89", 0.008),
        ]
    ),
}
CONCURRENT_EXITS = Weighted([("success", 0.5), ("85", 0.4), ("86", 0.1)])
SUCCESS_MEDIAN_DAYS = {OPIATE: 420, ALCOHOL: 160, NON_OPIATE: 140}
STAY = {  # exit reason -> (median days, sigma, minimum days)
    "83": (150, 0.9, 3),
    "84": (150, 0.9, 3),
    "85": (80, 0.9, 1),
    "86": (80, 0.9, 1),
    "87": (120, 0.8, 7),
    "88": (14, 0.6, 0),
    "89": (360, 0.9, 1),
}
# Referral -> first intervention (days), and the part of it from triage to the first intervention.
WAIT = Weighted(
    [((0, 0), 0.20), ((1, 7), 0.38), ((8, 14), 0.20), ((15, 21), 0.13), ((22, 35), 0.05), ((36, 70), 0.03),
     ((71, 150), 0.01)]
)  # fmt: skip
FIRST_INTERVENTION_DELAY = Weighted([((0, 0), 0.60), ((1, 7), 0.30), ((8, 21), 0.10)])
SUCCESS_RETURN, SUCCESS_RETURN_WITHIN_6_MONTHS = 0.25, 0.45
REPRESENTATION_GAP = Weighted([((1, 14), 0.12), ((15, 21), 0.14), ((22, 30), 0.14), ((31, 730), 0.60)])
TRANSFER_LOST, TRANSFER_LATE = 0.17, 0.05


class HistorySimulator:
    def __init__(
        self, reference: Reference, geography: Geography, horizon: Horizon, rng: random.Random, batch: int = 0
    ) -> None:
        self.groups = reference.drug_groups
        self.geography = geography
        self.horizon = horizon
        self.rng = rng
        self.batch = batch  # ids are numbered per provider within a batch of people: C<batch><n>, E<batch><n>
        self.planner = InterventionPlanner(rng)
        self.reviser = Reviser(rng)
        self._clients = [0] * len(geography.providers)
        self._episodes = [0] * len(geography.providers)

    def history(self) -> list[Episode]:
        """The next person's episodes, identified (CLIENTID, EPISODID) and revised, in the order they began."""
        rng, horizon = self.rng, self.horizon
        group = GROUPS.pick(rng)
        drug1 = DRUGS[group].pick(rng)
        provider = self.geography.pick_provider(rng)
        first_initial, second_initial = initials(rng)
        person = Person(
            first_initial,
            second_initial,
            sex(rng, group),
            0,
            drug1,
            group,
            self.geography.residence(rng, provider),
            provider,
        )
        person.profile = clinical_profile(rng, group)
        if group == OPIATE and rng.random() < LONG_TERM_OPIATE:
            triaged = between(rng, horizon.earliest_day, horizon.first_window_day - 1)
            episode = self._in_treatment(person, provider, triaged, self._wait(), long_term=True)
        else:
            episode = self._presentation(person, provider, between(rng, horizon.first_window_day, horizon.last_day))
        person.dob = episode.refld - years_to_days(age_at_first_referral(rng, group))
        episodes: list[Episode] = []
        while True:
            episodes.append(episode)
            concurrent = self._concurrent(person, episode)
            if concurrent is not None:
                episodes.append(concurrent)
            following = self._next(person, episode) if len(episodes) < MAX_EPISODES else None
            if following is None or following.refld > horizon.last_day:
                break
            episode = following
        for episode in episodes:
            self._identify(person, episode)
            self.reviser.revise(episode)
        return episodes

    # -- episodes -------------------------------------------------------------------------------------------------
    def _wait(self, longest: int | None = None) -> tuple[int, int]:
        """(referral -> triage, triage -> first intervention) in days; the first at most ``longest``."""
        rng = self.rng
        total = between(rng, *WAIT.pick(rng))
        delay = min(total, between(rng, *FIRST_INTERVENTION_DELAY.pick(rng)))
        referral = total - delay
        return (referral if longest is None else max(0, min(referral, longest))), delay

    def _profile(self, person: Person, group: str) -> tuple[str, str, str, str]:
        if self.rng.random() < NEW_ASSESSMENT:
            person.profile = clinical_profile(self.rng, group)
        return person.profile

    def _drug(self, person: Person) -> str:
        return person.drug1 if self.rng.random() < SAME_DRUG_AGAIN else DRUGS[person.group].pick(self.rng)

    def _success_code(self, group: str, drug1: str) -> str:
        draw = self.rng.random()
        if group == ALCOHOL:
            return "81" if draw < 0.85 else "82"
        if group == OPIATE or drug1 == "3201":
            return "80"
        return "80" if draw < 0.55 else "82"

    def _stay(self, disrsn: str, group: str) -> int:
        if disrsn in SUCCESS:
            return lognormal_days(self.rng, SUCCESS_MEDIAN_DAYS[group], 0.6, 21, 4000)
        median, sigma, minimum = STAY[disrsn]
        if disrsn in ("85", "86") and group == OPIATE:
            median = 110
        return lognormal_days(self.rng, median, sigma, minimum, 4000)

    def _in_treatment(
        self,
        person: Person,
        provider: int,
        triaged: int,
        wait: tuple[int, int],
        *,
        drug1: str | None = None,
        long_term: bool = False,
        custody: bool = False,
        received: bool = False,
        exits: Weighted[str] | None = None,
    ) -> Episode:
        rng = self.rng
        drug1 = drug1 or self._drug(person)
        group = self.groups[drug1]
        outcome = (exits or EXITS[group]).pick(rng)
        disrsn = self._success_code(group, drug1) if outcome == "success" else outcome
        disd = triaged + self._stay(disrsn, group)
        if long_term and disd < self.horizon.first_window_day:
            disd = self.horizon.first_window_day + lognormal_days(rng, 300, 0.8)
        injstat, mhneed, depanx, mhpsytx = self._profile(person, group)
        episode = Episode(
            person,
            provider,
            person.la,
            triaged - wait[0],
            triaged,
            disd,
            disrsn,
            drug1,
            injstat,
            mhneed,
            depanx,
            mhpsytx,
            custody,
        )
        episode.interventions = self.planner.plan(triaged + wait[1], disd, group, depanx, disrsn, custody, received)
        return episode

    def _referral_only(self, person: Person, provider: int, refld: int) -> Episode:
        rng = self.rng
        draw = rng.random()
        if draw < 0.60:
            disd, disrsn = refld + between(rng, 14, 90), "88"
        elif draw < 0.75:
            disd, disrsn = refld + between(rng, 7, 60), "85"
        else:
            disd, disrsn = None, ""
        drug1 = self._drug(person)
        injstat, mhneed, depanx, mhpsytx = self._profile(person, self.groups[drug1])
        return Episode(person, provider, person.la, refld, None, disd, disrsn, drug1, injstat, mhneed, depanx, mhpsytx)

    def _presentation(self, person: Person, provider: int, day: int, longest_wait: int | None = None) -> Episode:
        """A new presentation: triaged on ``day`` (or, for a referral only, referred on it)."""
        if self.rng.random() < REFERRAL_ONLY:
            return self._referral_only(person, provider, day)
        return self._in_treatment(person, provider, day, self._wait(longest_wait))

    def _concurrent(self, person: Person, episode: Episode) -> Episode | None:
        rng, geography = self.rng, self.geography
        if episode.triaged is None or episode.disd is None or len(geography.providers) == 1:
            return None
        if rng.random() >= CONCURRENT or episode.disd - episode.triaged < 60:
            return None
        if rng.random() < 0.7:
            other = geography.other_in_region(rng, episode.provider)
        else:
            other = geography.other_anywhere(rng, episode.provider)
        triaged = episode.triaged + between(rng, 14, min(180, episode.disd - episode.triaged - 14))
        if other == episode.provider or triaged > self.horizon.last_day:
            return None
        drug1 = ALCOHOL_CODE if person.group == OPIATE and rng.random() < 0.5 else person.drug1
        return self._in_treatment(person, other, triaged, self._wait(14), drug1=drug1, exits=CONCURRENT_EXITS)

    # -- what happens next ----------------------------------------------------------------------------------------
    def _next(self, person: Person, episode: Episode) -> Episode | None:
        rng = self.rng
        discharged = episode.disd
        if discharged is None or episode.disrsn == "89":
            return None
        triaged = episode.triaged
        if triaged is None:
            if rng.random() < 0.3:
                return self._presentation(person, self._provider_again(person), discharged + between(rng, 30, 400))
            return None
        if episode.disrsn in ("83", "84"):
            return self._transfer(person, episode, triaged, discharged)
        if episode.disrsn in SUCCESS:
            soon = rng.random() < SUCCESS_RETURN_WITHIN_6_MONTHS
            chance, gap = SUCCESS_RETURN, between(rng, 22, 182) if soon else between(rng, 183, 900)
        elif episode.disrsn == "87":
            chance, gap = 0.5, between(rng, 45, 400)
        else:
            low, high = REPRESENTATION_GAP.pick(rng)
            chance, gap = 0.5, between(rng, low, high)
        if rng.random() >= chance:
            return None
        return self._presentation(person, self._provider_again(person), discharged + gap, gap - 1)

    def _transfer(self, person: Person, episode: Episode, triaged_from: int, discharged: int) -> Episode | None:
        rng, geography = self.rng, self.geography
        draw = rng.random()
        if draw < TRANSFER_LOST:
            if rng.random() < 0.3:
                return self._presentation(person, self._provider_again(person), discharged + between(rng, 60, 720))
            return None
        if draw < TRANSFER_LOST + TRANSFER_LATE:
            gap = between(rng, 22, 60)
        else:
            when = rng.random()
            gap = -between(rng, 1, 10) if when < 0.17 else between(rng, 0, 14) if when < 0.87 else between(rng, 15, 21)
        custody = episode.disrsn == "84"
        where = rng.random()
        if custody or 0.15 <= where < 0.85:
            provider = geography.other_in_region(rng, episode.provider)
        elif where < 0.15:
            provider = episode.provider
        else:
            provider = geography.other_anywhere(rng, episode.provider)
        if not custody:
            self._move_to(person, provider)
        triaged = max(discharged + gap, triaged_from + 1)
        return self._in_treatment(person, provider, triaged, self._wait(7), custody=custody, received=True)

    def _provider_again(self, person: Person) -> int:
        rng, geography = self.rng, self.geography
        draw = rng.random()
        if draw < 0.75:
            return person.provider
        provider = (geography.other_in_region if draw < 0.95 else geography.other_anywhere)(rng, person.provider)
        self._move_to(person, provider)
        return provider

    def _move_to(self, person: Person, provider: int) -> None:
        """A client who starts with a provider in another region has usually moved there."""
        geography = self.geography
        moved_region = geography.providers[provider].region != geography.providers[person.provider].region
        person.provider = provider
        if moved_region and self.rng.random() < 0.7:
            person.la = geography.residence(self.rng, provider)

    def _identify(self, person: Person, episode: Episode) -> None:
        provider = episode.provider
        if provider not in person.clientids:
            self._clients[provider] += 1
            person.clientids[provider] = f"C{self.batch:05d}{self._clients[provider]:04d}"
        episode.clientid = person.clientids[provider]
        self._episodes[provider] += 1
        episode.episodid = f"E{self.batch:05d}{self._episodes[provider]:04d}"
