"""No attributors in a pack: only aggregate columns may be written out."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Column names that would identify a person or a record: client keys, CLIENTID, initials, date of birth, and
# episode/journey keys (which embed the client key).
ATTRIBUTOR_PATTERN = re.compile(
    r"client_?key|client_?id|dob|date_?of_?birth|finitial|sinitial|initial|episode_?key|episod_?id|journey_?key",
    re.IGNORECASE,
)


class AttributorError(AssertionError):
    """A column that looks like an attributor was about to be published."""


def assert_no_attributors(source: str, columns: Iterable[str]) -> None:
    """Raise when any column name looks like an attributor or a record key."""
    offending = sorted(c for c in columns if ATTRIBUTOR_PATTERN.search(c))
    if offending:
        raise AttributorError(f"{source}: refusing to publish attributor-like column(s): {', '.join(offending)}")
