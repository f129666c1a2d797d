"""Dagster assets, one module per stage: ingest → gate → dbt → serving → publication."""
