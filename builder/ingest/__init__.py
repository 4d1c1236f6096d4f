"""Ingest: input paths -> files (`discover`) -> raw pairs and set-aside lines (`read_file`), with the
column mapping, the sources' licenses and attribution, and safe, hashed reading."""
