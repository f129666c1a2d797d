"""Regional publication packs with disclosure control (see also the README's "Publication packs" section).

Entry points (stable; the ``journeys publish`` command and the Dagster asset call them):

- ``publish_region_pack(con, region_code, month, out_dir, months_back=12, *, la_regions_csv=None,
  generated_at=None, release=None)`` writes ``out_dir/<YYYY-MM>/<region_code>/`` (built beside it, then renamed
  into place; a re-run replaces the old pack whole); ``month`` None = the latest complete month.
- ``publish_all_regions(con, month, out_dir, ...)``: one pack per region of the reference data.
- ``regions_with_data(con)``: the regions with any figures (the default set for ``journeys publish``).
- ``ReleaseInfo.from_environment(landing)``: status, synthetic or not, contact (``release.py``).

A pack holds one CSV per published marts table (``tables.py``: the v1 tables always, ``waiting_times`` and
``successful_completions`` once they exist in the snapshot), rows for England (``E92000001``), the region and
its LAs with data (never providers); ``data_dictionary.csv``; ``index.html`` (self-contained: inline CSS and SVG
charts, no scripts, no external references); ``manifest.json`` (files, checksums, release metadata, areas with and
without data, provisional periods, the disclosure rules). Rates are percentages rounded to 1 decimal place in the
CSVs and on the page alike (``<rate>_percent``). ``con`` is only read (``marts``); the work happens in temp tables,
so a read-only connection to the serving snapshot is enough. Packs contain no wall-clock time unless
``generated_at`` is given, so the same data give byte-identical packs. A month later than the latest complete
month is refused. LA → region membership comes from ``seeds/la_regions.csv`` (``la_regions_csv=`` to override).

Disclosure control (publication outputs only; ``marts`` is never changed)
-------------------------------------------------------------------------
Every count column of every row is a cell; substance groups are folded into the cell names
(``in_treatment|opiate``). Suppression runs in DuckDB SQL over the whole country's cells of the window at once
(``suppression.suppress_cells``, ``audit.determined_cells``), so all packs of a month agree on every cell.

1. Primary: a count from 1 to 4 is suppressed. Zeros and counts of 5 or more are published (but see 4).
2. Constraints: region = its LAs, England = the regions (per count column), and the row identities of
   ``tables.row_identities`` (e.g. ``transfers = picked_up + lost + pending``; substance groups add up to
   ``all``). When a constraint has exactly one suppressed cell, or its suppressed cells are all parts adding up to
   no more than their number (all zeros, all ones), its smallest non-zero published part is suppressed (ties:
   geography code, then column), else its total. LA constraints first, then rows, then regions within England.
   QS8 and completions count distinct people, so their regions are not sums of their LAs; the rule is applied
   anyway (conservative).
3. Rates: a rate (or median) is suppressed when any count it is derived from is.
4. Rates from zeros: when a rate is suppressed, zeros among its inputs are suppressed too (a numerator of 0
   says 0%; a zero other part of the denominator says 100%).
5. Room for zeros: every suppressed zero (LA or region) gets a sibling area and a partner column of its row
   identity suppressed and non-zero, so non-negativity cannot pin it (``suppression._zero_cover_sql``).
6. Audit: the suppressed cells' linear system (all constraints) is reduced by Gaussian elimination in SQL; a cell
   it determines gets one more cell of its constraints suppressed. 2–6 repeat until nothing changes.
7. Substance groups of successful completions are published for England and the regions only (LAs: ``all``).

Marker: a suppressed value is NULL (an empty CSV field) and ``<column>_suppressed`` is true; false for every
published value. Primary and secondary suppressions are not told apart. In ``index.html`` suppressed cells show
"*" ("suppressed for disclosure control (not zero)"); a suppressed chart point is marked below the x-axis.

No attributors: every column is checked before writing (``guard.assert_no_attributors``).
"""

from orchestration.publication.charts import Series, bar_chart, line_chart
from orchestration.publication.guard import AttributorError, assert_no_attributors
from orchestration.publication.pack import PackSummary, publish_all_regions, publish_region_pack, regions_with_data
from orchestration.publication.release import ReleaseInfo
from orchestration.publication.reporting_window import PublicationError, latest_complete_month
from orchestration.publication.suppression import SuppressionError, suppress_cells

__all__ = [
    "AttributorError",
    "PackSummary",
    "PublicationError",
    "ReleaseInfo",
    "Series",
    "SuppressionError",
    "assert_no_attributors",
    "bar_chart",
    "latest_complete_month",
    "line_chart",
    "publish_all_regions",
    "publish_region_pack",
    "regions_with_data",
    "suppress_cells",
]
