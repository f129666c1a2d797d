"""The 27 submission columns, in the order the generator writes them (see ``submission-format.md``)."""

from __future__ import annotations

from orchestration.warehouse import SUBMISSION_COLUMNS

COLUMNS: tuple[str, ...] = tuple(name.upper() for name in SUBMISSION_COLUMNS)
HEADER = ",".join(COLUMNS) + "\n"
INDEX: dict[str, int] = {name: position for position, name in enumerate(COLUMNS)}

# Client and episode fields: repeated on every row of an episode and required to agree within a file.
EPISODE_COLUMNS: tuple[str, ...] = COLUMNS[: INDEX["MODID"]]
INTERVENTION_COLUMNS: tuple[str, ...] = COLUMNS[INDEX["MODID"] : INDEX["SUBID"]]
SUB_INTERVENTION_COLUMNS: tuple[str, ...] = COLUMNS[INDEX["SUBID"] :]

BLANK_INTERVENTION = "," * (len(INTERVENTION_COLUMNS) + len(SUB_INTERVENTION_COLUMNS) - 1)
BLANK_SUB_INTERVENTION = "," * (len(SUB_INTERVENTION_COLUMNS) - 1)
