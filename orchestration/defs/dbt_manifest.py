"""The dbt project handle, alone in its module so ``dagster-dbt project prepare-and-package --file`` can load it
before a manifest exists (``make setup`` does that; ``dagster dev`` prepares it via ``prepare_if_dev``)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

# dbt is installed beside this interpreter; make it findable when the venv is not activated (dagster dev run
# as .venv/bin/dagster, an IDE, cron), since dagster-dbt's preparer looks it up on PATH.
if shutil.which("dbt") is None:
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
