"""Benchmarks: each stage timed against a DuckDB-only baseline measured in the same run (``make bench``)."""
