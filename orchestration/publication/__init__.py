"""Regional publication packs with disclosure control.

``publish_region_pack(con, region_code, month, out_dir, months_back=12)`` writes, for one region and reporting month
M, the directory ``out_dir/<YYYY-MM>/<region_code>/`` (built beside it, then renamed into place; a re-run replaces
the old pack whole) holding:

- ``qs8_measures.csv`` (monthly periods of the last ``months_back`` months up to M and the financial year containing
  M; measures qs8a and qs8b), ``retention_3_months.csv`` (cohort months in the window), ``transfer_outcomes.csv``
  (discharge months in the window), ``nice_concordance.csv`` (cohort months in the window): rows for England
  (``E92000001``), the region and the region's LAs (never providers), with a ``geography_name``;
- ``index.html``: self-contained summary (inline CSS and SVG charts, no scripts, no external references);
- ``manifest.json``: files, columns, row counts, suppressed-cell counts, checksums, month, region, window.

``publish_all_regions(con, month, out_dir)`` writes one pack per region of the reference data (``month`` None = the
latest complete month: the month of max(period_end) of complete monthly ``qs8_measures`` periods). A month later
than the latest complete month is refused. ``con`` is only read (``marts`` and the seed file); the work happens in
temp tables, so a read-only connection to the serving snapshot is enough. Packs contain no wall-clock time unless
``generated_at`` is given, so the same data gives byte-identical packs. LA → region membership comes from
``seeds/la_regions.csv`` (``la_regions_csv=`` to override).

Disclosure control (publication outputs only; ``marts`` is never changed)
-------------------------------------------------------------------------
Cells. Every count column of every row is a separate cell (e.g. ``numerator`` and ``denominator``; ``retained``,
``not_retained``, ``pending`` and ``new_presentations``). Suppression is computed in DuckDB SQL on long-format
cells (``suppression.suppress_cells``) for the whole country at once, so all packs of a month agree on every cell.

1. Primary: a count from 1 to 4 is suppressed. Zeros and counts of 5 or more are published.
2. Secondary, within the LAs of a region (the spec's rule): for each measure, period/cohort and count column, when
   exactly one LA cell is suppressed (and the region cell is published), the smallest other non-zero LA cell is
   suppressed too. Tie-break: smallest value, then LA code. Zeros are never picked (a zero reveals nothing and is
   published as zero). When two or more LA cells are already suppressed nothing more is needed. When the region
   cell is itself suppressed as well, the LA value cannot be recovered from it and no other LA is taken.
3. No other LA to pick (a region with one LA, such as ``Z00B``, or all other LAs zero): the region's own cell is
   suppressed instead, because otherwise the LA value = region total − the published zeros. For a one-LA region the
   region value equals the LA value, so primary suppression already hides it; the rule also covers the
   all-others-zero case and LAs missing from the data. A commissioner sees no recoverable value.
4. The same rule one level up: the regions are the parts of England. When exactly one region cell is suppressed
   (by 1–4 or by rule 3), the smallest other non-zero region cell is suppressed (else England); without this the
   suppressed region could be recovered as England minus the other regions' packs. And when a total (a region or
   England) is the only suppressed cell of its group, its smallest non-zero part is suppressed, so the total
   cannot be recovered by adding up the parts. In general: no "total = sum of parts" group is left with exactly one
   suppressed cell.
5. Rows that add up: ``new_presentations = retained + not_retained + pending`` (retention) and
   ``transfers = picked_up + lost + pending`` (transfers) are groups too. When exactly one of the row's cells is
   suppressed, its smallest other non-zero part is suppressed (ties: column name), else the total. QS8 and
   concordance numerators are subsets of their denominators, not sums, so they have no row rule.
6. Rules 2–5 are repeated until nothing changes (a secondary suppression can leave another region, England or row
   with a single suppressed cell). This is the standard "no single suppressed cell in a total" heuristic, not an
   exact linear-programming audit of every combination of published figures. QS8 counts distinct people, so a
   region is not exactly the sum of its LAs; the same rule is applied anyway (it is then conservative).
7. Rates: a rate is suppressed when any count it is derived from is (``rate``: numerator, denominator;
   ``retention_rate``: retained, not_retained; ``pickup_rate``: picked_up, lost; ``share``: second_line_first,
   journeys_with_psychosocial), including when that count was suppressed by a secondary rule. A rate that is NULL
   in marts (no denominator) stays NULL and is not marked suppressed.

Marker: a suppressed value is NULL (an empty CSV field) and ``<column>_suppressed`` (BOOLEAN, after each count
and rate column) is true; it is false for every published value. Primary and secondary suppressions are not told
apart (that would reveal that a secondary cell is 5 or more). In ``index.html`` suppressed cells show "*", with
"not available (suppressed)" as the tooltip and in the legend.

No attributors: every column is checked before writing (``guard.assert_no_attributors``): nothing named like
client_key, clientid, dob, finitial, sinitial, episode_key or journey_key can leave.
"""

from orchestration.publication.charts import Series, bar_chart, line_chart
from orchestration.publication.guard import AttributorError, assert_no_attributors
from orchestration.publication.pack import PackSummary, publish_all_regions, publish_region_pack, regions_with_data
from orchestration.publication.release import ReleaseInfo
from orchestration.publication.suppression import SuppressionError, suppress_cells
from orchestration.publication.window import PublicationError, latest_complete_month

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
