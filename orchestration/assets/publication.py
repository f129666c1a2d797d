"""Scheduled regional aggregation: one disclosure-controlled publication pack per English region, read from the
serving snapshot (never the warehouse, so it needs no writer slot and never blocks the pipeline)."""

import csv

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, StaticPartitionsDefinition, asset

from orchestration.assets.serving import serving_snapshot
from orchestration.publication import ReleaseInfo, publish_region_pack
from orchestration.publication.window import latest_complete_month
from orchestration.resources import JourneysConfig
from orchestration.settings import SEEDS_DIR


def _english_regions() -> list[str]:
    with (SEEDS_DIR / "la_regions.csv").open(encoding="utf-8") as handle:
        return sorted({r["region_code"] for r in csv.DictReader(handle) if r["region_code"].startswith("E12")})


regions = StaticPartitionsDefinition(_english_regions())


@asset(
    group_name="publication",
    deps=[serving_snapshot],
    partitions_def=regions,
    description="The region's pack for the latest complete month: CSVs (England, region, its LAs; suppressed "
    "cells NULL with a marker) and a self-contained HTML summary with charts, under the publications directory.",
)
def regional_publication_pack(context: AssetExecutionContext, journeys: JourneysConfig) -> MaterializeResult:
    paths = journeys.paths()
    region = context.partition_key
    with duckdb.connect(str(paths.serving), read_only=True) as con:
        month = latest_complete_month(con)
        release = ReleaseInfo.from_environment(paths.landing)
        pack = publish_region_pack(con, region, month, paths.publications, release=release)
    context.log.info(f"{region} {month:%Y-%m}: {pack.path} ({pack.total_suppressed} cells suppressed)")
    return MaterializeResult(
        metadata={
            "month": f"{month:%Y-%m}",
            "directory": str(pack.path),
            "suppressed_cells": pack.total_suppressed,
        }
    )
