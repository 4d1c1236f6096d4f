"""Output: record tables, Parquet shards, exports, the card, the report, the manifest, and the
staging folder that replaces OUT only when the build succeeded."""
