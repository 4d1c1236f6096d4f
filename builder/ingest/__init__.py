"""Ingest: input paths -> files (`discover`) -> raw pairs and set-aside lines (`read_file`)."""
