"""``journeys publish``: regional packs written from the serving snapshot by the pack writer of
:mod:`orchestration.publication` (one call per region; this module only chooses the regions and the month)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import duckdb

from orchestration.publication import (
    PackSummary,
    PublicationError,
    ReleaseInfo,
    publish_region_pack,
    regions_with_data,
)
from orchestration.settings import Paths


def parse_month(text: str) -> date:
    """``YYYY-MM`` → the month's first day; ValueError with what to write instead."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValueError(f"--month {text!r} is not a month: write it as YYYY-MM, e.g. 2025-06") from None


def publish_packs(
    paths: Paths,
    month: date | None = None,
    regions: Sequence[str] = (),
    on_pack: Callable[[PackSummary, int, int], None] | None = None,
) -> list[PackSummary]:
    """Write the packs of ``regions`` (default: every region with data) for ``month`` (default: the latest
    complete month) from ``paths.serving`` under ``paths.publications``. ``on_pack(pack, done, total)`` follows
    progress. Raises PublicationError (with what to do) when there is no snapshot or nothing to publish."""
    if not paths.serving.is_file():
        raise PublicationError(f"no serving snapshot at {paths.serving}: run 'journeys run' first")
    release = ReleaseInfo.from_environment(paths.landing)
    with duckdb.connect(str(paths.serving), read_only=True) as con:
        targets = list(dict.fromkeys(regions)) or regions_with_data(con)
        if not targets:
            raise PublicationError(f"no region has data in {paths.serving}: nothing to publish")
        packs: list[PackSummary] = []
        for region in targets:
            packs.append(publish_region_pack(con, region, month, paths.publications, release=release))
            if on_pack is not None:
                on_pack(packs[-1], len(packs), len(targets))
    return packs


def describe(packs: Sequence[PackSummary], serving: Path) -> str:
    """The command's summary: one line per pack, then the page to open."""
    lines = [f"published {len(packs)} regional pack(s) for {packs[0].month:%Y-%m} from {serving}:"]
    lines += [f"  {p.region_code} {p.region_name}: {p.path} ({p.total_suppressed} cells suppressed)" for p in packs]
    lines.append(f"open {packs[0].path / 'index.html'}")
    return "\n".join(lines)
