"""Running the Dagster job: ``journeys run`` in-process (pipeline.py), the run launcher and its health check that
``dagster.yaml`` names (launcher.py), waiting for the warehouse writer slot (writer_wait.py), run progress on the
terminal (progress.py)."""
