"""Everything Dagster: assets (one module per stage), asset checks, automation (jobs, sensors, schedules),
partitions and resources. :mod:`orchestration.definitions` merges them into the one ``Definitions``.

Kept free of imports so ``dagster-dbt project prepare-and-package --file orchestration/defs/dbt_manifest.py`` loads
the dbt project handle alone, before a manifest exists."""
