"""Regional publication packs with disclosure control.

Entry points: ``publish_region_pack``, ``publish_all_regions``, ``regions_with_data``, ``ReleaseInfo``. What a pack
holds and the disclosure rules: ``docs/disclosure-control.md``.
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
