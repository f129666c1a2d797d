"""The six fault kinds, each a change to one row's fields that breaks exactly one family of rules.

Faults in client/episode-level fields (everything before MODID) are only put on the single row of a one-row
episode: on a row of a longer episode they would also make the episode's rows disagree, i.e. be a second fault.
Rows of longer episodes get intervention/sub-intervention-level faults, or a deliberate ``episode_conflict``
(a *valid* value that differs from the other rows; only while the episode keeps at least one undamaged row).
Dates are only ever moved earlier (or, for DOB, at most to the end of the reporting month), so a fault never
breaks the "no date after the reporting month" rule as a side effect."""

from __future__ import annotations

import random

from orchestration.synthetic.columns import INDEX
from orchestration.synthetic.dates import from_iso, iso

BAD_CODE = "bad_code"
DATES_OUT_OF_ORDER = "dates_out_of_order"
IMPOSSIBLE_DOB = "impossible_dob"
MISSING_REQUIRED = "missing_required"
EPISODE_CONFLICT = "episode_conflict"
MALFORMED_LINE = "malformed_line"
FAULT_KINDS: tuple[str, ...] = (
    BAD_CODE,
    DATES_OUT_OF_ORDER,
    IMPOSSIBLE_DOB,
    MISSING_REQUIRED,
    EPISODE_CONFLICT,
    MALFORMED_LINE,
)
# impossible_dob is only possible on one-row episodes: it is listed three times there so that it is not rare
SINGLE_ROW_KINDS = (
    BAD_CODE,
    DATES_OUT_OF_ORDER,
    IMPOSSIBLE_DOB,
    IMPOSSIBLE_DOB,
    IMPOSSIBLE_DOB,
    MISSING_REQUIRED,
    MALFORMED_LINE,
)
MULTI_ROW_KINDS = (BAD_CODE, DATES_OUT_OF_ORDER, MISSING_REQUIRED, MALFORMED_LINE)
MULTI_ROW_KINDS_WITH_CONFLICT = (*MULTI_ROW_KINDS, EPISODE_CONFLICT)

WRONG_TYPE_SUBINT = {"94": "PSYMOTI", "95": "PHMAIN", "96": "PHWTH"}
CONFLICT_DRUGS = ("1011", "7000", "3200", "5000")
ROTATE = {  # another valid value of the column
    "SEX": {"M": "F", "F": "M", "X": "M"},
    "MHNEED": {"Y": "N", "N": "Y", "Z": "Y", "": "N"},
    "INJSTAT": {"P": "N", "C": "P", "N": "P", "Z": "N", "": "N"},
}

_F = INDEX  # short alias: column name -> position


def _earlier(text: str, rng: random.Random) -> str:
    return iso(from_iso(text) - rng.randint(1, 30))


class RowDamager:
    def __init__(self, la_codes: tuple[str, ...]) -> None:
        self.la_codes = tuple(code for code in la_codes if code)

    def damage(self, rng: random.Random, fields: list[str], kind: str, single_row: bool, month_end: int) -> str:
        """Damage ``fields`` in place; return the damaged column's name ('' for a malformed line)."""
        if kind == MALFORMED_LINE:
            if rng.random() < 0.5:
                del fields[int(rng.random() * len(fields))]
            else:
                position = int(rng.random() * (len(fields) + 1))
                value = ("", "X", "extra")[int(rng.random() * 3)]
                if position == len(fields) and not value:
                    value = "extra"  # one empty trailing field is tolerated by the reader: no value is displaced
                fields.insert(position, value)
            return ""
        column, value = getattr(self, "_" + kind)(rng, fields, single_row, month_end)
        fields[_F[column]] = value
        return column

    def _bad_code(self, rng: random.Random, f: list[str], single: bool, month_end: int) -> tuple[str, str]:
        options: list[tuple[str, str]] = []
        if single:
            options += [
                ("SEX", "Q"),
                ("DRUG1", "1234"),
                ("LA", "E05000001"),
                ("INJSTAT", "Q"),
                ("MHNEED", "Q"),
                ("DEPANX", "Q"),
            ]
            if f[_F["DISD"]]:
                options.append(("DISRSN", "99"))
        if f[_F["MODID"]]:
            options.append(("MODSET", "9"))
            if f[_F["MODEND"]]:
                options.append(("MODEXIT", "D"))
        if f[_F["SUBID"]]:
            wrong = WRONG_TYPE_SUBINT[f[_F["MODAL"]]] if rng.random() < 0.5 else "PSYXXXX"
            options.append(("SUBINT", wrong))
        return options[int(rng.random() * len(options))]

    def _dates_out_of_order(self, rng: random.Random, f: list[str], single: bool, month_end: int) -> tuple[str, str]:
        options: list[tuple[str, str]] = []  # (column to move, the date it must not precede)
        if single:
            options.append(("TRIAGED", "REFLD"))
            if f[_F["DISD"]]:
                options.append(("DISD", "TRIAGED" if f[_F["TRIAGED"]] else "REFLD"))
        if f[_F["MODID"]]:
            options.append(("MODST", "TRIAGED"))
            if f[_F["MODEND"]]:
                options.append(("MODEND", "MODST"))
        if f[_F["SUBID"]]:
            options.append(("SUBST", "MODST"))
            if f[_F["SUBEND"]]:
                options.append(("SUBEND", "SUBST"))
        column, anchor = options[int(rng.random() * len(options))]
        return column, _earlier(f[_F[anchor]], rng)

    def _impossible_dob(self, rng: random.Random, f: list[str], single: bool, month_end: int) -> tuple[str, str]:
        reference = from_iso(f[_F["TRIAGED"]] or f[_F["REFLD"]])
        draw = rng.random()
        if draw < 0.4:
            dob = reference - rng.randint(365, 18 * 365 - 10)  # younger than 18
        elif draw < 0.8 or reference >= month_end:
            dob = reference - rng.randint(111 * 366, 125 * 366)  # older than 110
        else:
            dob = min(reference + rng.randint(1, 60), month_end)  # born after the triage / referral
        return "DOB", iso(dob)

    def _missing_required(self, rng: random.Random, f: list[str], single: bool, month_end: int) -> tuple[str, str]:
        options: list[str] = []
        if single:
            options += ["AGNCY", "CLIENTID", "FINITIAL", "SINITIAL", "DOB", "SEX", "LA", "EPISODID", "REFLD", "DRUG1"]
            if f[_F["DISD"]]:
                options.append("DISRSN")
        if f[_F["MODID"]]:
            options += ["MODAL", "MODSET", "MODST"]
            if f[_F["MODEND"]]:
                options.append("MODEXIT")
        if f[_F["SUBID"]]:
            options += ["SUBINT", "SUBST"]
        return options[int(rng.random() * len(options))], ""

    def _episode_conflict(self, rng: random.Random, f: list[str], single: bool, month_end: int) -> tuple[str, str]:
        column = ("DRUG1", "REFLD", "LA", "SEX", "MHNEED", "INJSTAT")[int(rng.random() * 6)]
        value = f[_F[column]]
        if column == "DRUG1":
            drugs = [code for code in CONFLICT_DRUGS if code != value]
            return column, drugs[int(rng.random() * len(drugs))]
        if column == "REFLD":
            return column, _earlier(value, rng)
        if column == "LA":
            choices = [code for code in self.la_codes if code != value]
            return column, choices[int(rng.random() * len(choices))]
        return column, ROTATE[column][value]
