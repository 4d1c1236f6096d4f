"""One home for each fact: where two tables must stay, a test says they agree.

The particle inventory, the Han ranges, the order of splits and the name of the mixed config are
each defined once and read by every stage; the default recipe selection (an order, in config.py)
names exactly the built-in entry points (a set, in pyproject.toml).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from builder import PARTICLES
from builder.annotate.glossary import GLOSSARY
from builder.annotate.lexicon import NEUTRAL
from builder.config import DEFAULT_RECIPES, load_config
from builder.contract.apply import Step
from builder.contract.registry import BUILT_IN, default_registry
from builder.dedup.fold import fold_text
from builder.output.card import card_configs
from builder.output.exports import write_exports
from builder.output.layout import ALL_CONFIG, JSONL_DIR, RESERVED_NAMES
from builder.pipeline.recipe_tables import recipe_records
from builder.release.changelog import first_release
from builder.split import SPLIT_ORDER, ordered_splits
from builder.testing import new_pair
from builder.text.language import line_language
from builder.text.normalize import widen_punctuation
from builder.text.script import HAN

ROOT = Path(__file__).resolve().parent.parent


def test_dedup_folds_away_exactly_the_annotator_particles() -> None:
    """Every particle of the inventory folds out of a dedup key; the grammar words the annotator
    never reports (嗎 了 的) stay. The glossary explains the same inventory, in its order."""
    for particle in PARTICLES:
        assert fold_text(f"我們走{particle}") == fold_text("我們走"), particle
    for word in NEUTRAL:
        assert fold_text(f"我們走{word}") != fold_text("我們走"), word
    assert tuple(GLOSSARY) == tuple(PARTICLES)


def test_every_stage_reads_the_same_han_ranges() -> None:
    """A hanzi of Extension H (U+31350, inside HAN) is Chinese to the language rule and Chinese
    context to punctuation width, like any hanzi (the two used to end their ranges at U+3134F)."""
    late = "\U00031350"
    assert any(first <= ord(late) <= last for first, last in HAN)
    assert line_language(late * 3) == "zh"
    assert widen_punctuation(f"{late}{late},好") == f"{late}{late}，好"


def test_the_dedup_script_fold_touches_only_han() -> None:
    """The Traditional/Simplified fold of dedup keys maps only characters inside HAN."""
    from builder.dedup.fold import _tables

    folded = _tables().fold
    moved = np.flatnonzero(folded[: 0x30000] != np.arange(0x30000))
    script_moves = [cp for cp in moved.tolist() if 0x3400 <= cp < 0xA000]
    assert script_moves and all(any(a <= cp <= b for a, b in HAN) for cp in script_moves)


def test_card_exports_and_changelog_list_splits_in_one_order(tmp_path: Path) -> None:
    """train, validation, test first, then other splits by name: the card's configs, the jsonl
    export of the mixed config, and the changelog rows all follow SPLIT_ORDER."""
    counts = {"en-to-casual": {"test": 1, "dev": 1, "train": 1, "validation": 1}}
    expected = ordered_splits(counts["en-to-casual"])
    assert expected[:3] == list(SPLIT_ORDER) and expected[3] == "dev"
    configs = card_configs(counts, "en-to-casual")
    assert [entry["split"] for entry in configs[0]["data_files"]] == expected
    assert configs[-1]["config_name"] == ALL_CONFIG
    assert [d.split for d in first_release("0.1.0", counts, {"en-to-casual": "1.0.0"}).rows] == expected
    folder = tmp_path / "en-to-casual"
    folder.mkdir()
    record = recipe_records([new_pair("See you later.", "等等見囉。")],
                            Step(default_registry().get("en-to-casual")))
    for split in counts["en-to-casual"]:
        pq.write_table(record, folder / f"{split}-00000-of-00001.parquet")
    written = write_exports(tmp_path, ["jsonl"], counts)
    mixed = [p.stem for p in written if p.parent.name == ALL_CONFIG]
    assert mixed == expected and all(p.parent.parent.name == JSONL_DIR for p in written)
    assert ALL_CONFIG in RESERVED_NAMES and JSONL_DIR in RESERVED_NAMES


def test_the_default_selection_names_exactly_the_built_in_entry_points() -> None:
    """DEFAULT_RECIPES (an order) and the entry points of pyproject.toml (the set) agree, and the
    shipped twcasual.toml selects the same recipes in the same order."""
    registry = default_registry()
    built_in = {name for name in registry.names() if registry.origin(name) == BUILT_IN}
    assert set(DEFAULT_RECIPES) == built_in
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(project["project"]["entry-points"]["twcasual.recipes"]) == set(DEFAULT_RECIPES)
    assert [r.name for r in load_config(ROOT / "twcasual.toml").recipes] == list(DEFAULT_RECIPES)


def test_bench_corpus_counts_particles_with_the_inventory() -> None:
    """The throughput corpus's statistics use the annotator's inventory, not a copy."""
    from bench import corpus

    assert corpus._PARTICLE_CHARS == frozenset(PARTICLES)
