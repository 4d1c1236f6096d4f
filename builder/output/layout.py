"""The names in a twcasual output folder: one home for each, for every stage that writes or reads it."""

from __future__ import annotations

__all__ = ["ALL_CONFIG", "CARD", "CHANGELOG", "JSONL_DIR", "LLAMA_FACTORY_DIR", "MANIFEST", "REPORT",
           "RESERVED_NAMES", "SPLITS_FILE", "STYLE_CHART"]

MANIFEST = "manifest.json"  # sha256 of every other file, the build signature, the version
REPORT = "build_report.json"  # every input line accounted for
SPLITS_FILE = "splits.parquet"  # pair id -> split, so later versions keep their splits
CHANGELOG = "CHANGELOG.md"
CARD = "README.md"  # the dataset card
STYLE_CHART = "style_particles.svg"
ALL_CONFIG = "all"  # the config that mixes every recipe's records (card and exports)
JSONL_DIR = "jsonl"
LLAMA_FACTORY_DIR = "llama_factory"
# Names a recipe cannot take: its config folder would collide with the mixed config, an export
# folder, or an export format's name.
RESERVED_NAMES = frozenset({ALL_CONFIG, JSONL_DIR, "llama-factory"})
