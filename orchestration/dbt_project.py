"""The dbt project handle, alone in its module so ``dagster-dbt project prepare-and-package --file`` can load it
before a manifest exists (``make setup`` does that; ``dagster dev`` prepares it via ``prepare_if_dev``)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
