"""Ingestion: find submission files in the landing directory, log them, load their rows into ``raw``."""
