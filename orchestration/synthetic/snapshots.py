"""What a provider's file for month M says about one episode: its rows as known at the end of M.

A date is known once its month has come (``month_of(date) <= M``); so are the records it starts. An episode is in
the file from its referral month while it is in the 24-month window (see ``window.py``), except in a month it goes
missing. Corrections show the first-recorded value before their fix month.

Speed: an episode's rows change only in the months where one of its dates, corrections or window edges falls
(``change_months``). The rows are rendered once per such segment and the same string is reused for every month of
the segment; rows are built from pre-joined prefixes (client + episode, then intervention), never cell by cell."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from orchestration.synthetic.columns import BLANK_INTERVENTION, BLANK_SUB_INTERVENTION
from orchestration.synthetic.data_window import WINDOW_MONTHS, Horizon, in_window
from orchestration.synthetic.dates import iso, month_of
from orchestration.synthetic.records import Episode

Block = tuple[str, int]  # rows joined (each ending in "\n"), number of rows


def change_months(episode: Episode) -> list[int]:
    """Every month in which this episode's rows may differ from the month before."""
    months = [month_of(episode.refld)]
    if episode.triaged is not None:
        months.append(month_of(episode.triaged))
    if episode.disd is not None:
        discharged = month_of(episode.disd)
        months += (discharged + episode.disd_lag, discharged + WINDOW_MONTHS)
        if episode.wrong_disd is not None:
            months.append(month_of(episode.wrong_disd) + WINDOW_MONTHS)
    if episode.fix_month:
        months.append(episode.fix_month)
    if episode.absent_month is not None:
        months += (episode.absent_month, episode.absent_month + 1)
    for intervention in episode.interventions:
        months += (month_of(intervention.start), month_of(intervention.end))
        for sub in intervention.subs:
            months.append(month_of(sub.start))
            if sub.end is not None:
                months.append(month_of(sub.end))
            if sub.wrong_end is not None:
                months += (month_of(sub.wrong_end), sub.fix_month)
            if sub.deleted_month is not None:
                months.append(sub.deleted_month)
    return months


class SnapshotRenderer:
    def __init__(self, horizon: Horizon, provider_codes: Sequence[str]) -> None:
        self.start = horizon.start_month
        self.end = horizon.end_month
        self.codes = tuple(provider_codes)

    def segments(self, episode: Episode) -> list[tuple[int, int, str, int]]:
        """``(first month, months, rows text, row count)``: the episode's rows in the files of ``months``
        consecutive months from ``first month``, covering every month of the data window whose file holds it."""
        start, end = self.start, self.end
        edges = sorted({month for month in change_months(episode) if start < month <= end})
        head = self.head(episode)
        out: list[tuple[int, int, str, int]] = []
        for first, stop in pairwise([start, *edges, end + 1]):
            block = self.render(episode, first, head)
            if block is not None:
                out.append((first, stop - first, *block))
        return out

    def blocks(self, episode: Episode) -> list[tuple[int, str, int]]:
        """``(month, rows text, row count)`` for every month whose file holds this episode."""
        return [
            (month, text, rows)
            for first, count, text, rows in self.segments(episode)
            for month in range(first, first + count)
        ]

    def head(self, episode: Episode) -> tuple[str, str]:
        """The two constant runs of episode-level fields: AGNCY..REFLD and INJSTAT..MHPSYTX."""
        person = episode.person
        return (
            f"{self.codes[episode.provider]},{episode.clientid},{person.finitial},{person.sinitial},"
            f"{iso(person.dob)},{person.sex},{episode.la},{episode.episodid},{iso(episode.refld)}",
            f"{episode.injstat},{episode.mhneed},{episode.depanx},{episode.mhpsytx}",
        )

    def render(self, episode: Episode, month: int, head: tuple[str, str] | None = None) -> Block | None:
        """The episode's rows in the file for ``month``; None when the file does not hold it."""
        if month < month_of(episode.refld) or month == episode.absent_month:
            return None
        discharge = reason = ""
        if episode.disd is not None and month >= month_of(episode.disd) + episode.disd_lag:
            shown = episode.wrong_disd if episode.wrong_disd is not None and month < episode.fix_month else episode.disd
            if not in_window(month_of(shown), month):
                return None
            discharge, reason = iso(shown), episode.disrsn
        triaged = iso(episode.triaged) if episode.triaged is not None and month_of(episode.triaged) <= month else ""
        drug1 = episode.drug1
        if episode.wrong_drug1 is not None and month < episode.fix_month:
            drug1 = episode.wrong_drug1
        identity, profile = head or self.head(episode)
        prefix = f"{identity},{triaged},{drug1},{profile},{discharge},{reason},"
        rows: list[str] = []
        month_of_, iso_ = month_of, iso  # locals: this loop runs for every row segment
        for intervention in episode.interventions:
            if month_of_(intervention.start) > month:
                continue
            ending = f"{iso_(intervention.end)},{intervention.exit}," if month_of_(intervention.end) <= month else ",,"
            outer = (
                f"{prefix}{intervention.modid},{intervention.modal},{intervention.modset},"
                f"{iso_(intervention.start)},{ending}"
            )
            before = len(rows)
            for sub in intervention.subs:
                if month_of_(sub.start) > month or (sub.deleted_month is not None and month >= sub.deleted_month):
                    continue
                sub_end = sub.wrong_end if sub.wrong_end is not None and month < sub.fix_month else sub.end
                shown_end = iso_(sub_end) if sub_end is not None and month_of_(sub_end) <= month else ""
                rows.append(f"{outer}{sub.subid},{sub.code},{iso_(sub.start)},{shown_end}\n")
            if len(rows) == before:
                rows.append(f"{outer}{BLANK_SUB_INTERVENTION}\n")
        if not rows:
            rows.append(f"{prefix}{BLANK_INTERVENTION}\n")
        return "".join(rows), len(rows)
