"""Scheduled regional aggregation: one disclosure-controlled publication pack per English region, read from the
serving snapshot (never the warehouse, so it needs no writer slot and never blocks the pipeline)."""

import csv

import dagster as dg

from orchestration.defs.assets.serving_assets import serving_snapshot
from orchestration.defs.resources import JourneysConfig
from orchestration.publish import publish_packs
from orchestration.settings import LA_REGIONS_CSV


def _english_regions() -> list[str]:
    with LA_REGIONS_CSV.open(encoding="utf-8") as handle:
        return sorted({r["region_code"] for r in csv.DictReader(handle) if r["region_code"].startswith("E12")})


regions = dg.StaticPartitionsDefinition(_english_regions())


@dg.asset(
    group_name="publication",
    deps=[serving_snapshot],
    partitions_def=regions,
    description="The region's pack for the latest complete month: CSVs (England, region, its LAs; suppressed "
    "cells NULL with a marker) and a self-contained HTML summary with charts, under the publications directory.",
)
def regional_publication_pack(context: dg.AssetExecutionContext, journeys: JourneysConfig) -> dg.MaterializeResult:
    """One region's pack (a run of the region's partition), or, in a run without a partition (the Dagster CLI's
    ``job execute``, the UI's launchpad), every region with data: the same as ``journeys publish``."""
    packs = publish_packs(journeys.paths(), regions=[context.partition_key] if context.has_partition_key else ())
    for pack in packs:
        context.log.info(f"{pack.region_code} {pack.month:%Y-%m}: {pack.path} ({pack.total_suppressed} suppressed)")
    return dg.MaterializeResult(
        metadata={
            "month": f"{packs[0].month:%Y-%m}",
            "directory": str(packs[0].path) if len(packs) == 1 else str(packs[0].path.parent),
            "regions": ", ".join(p.region_code for p in packs),
            "suppressed_cells": sum(p.total_suppressed for p in packs),
        }
    )
