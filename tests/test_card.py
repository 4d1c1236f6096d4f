"""The dataset card: YAML configs the Hub and load_dataset need, and a body that says what was built."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import DatasetCard

from builder.errors import BuildError
from builder.output.card import CardInfo, card_configs, render_card


def _info(**changes: object) -> CardInfo:
    values: dict = dict(
        pretty_name="Sample",
        description="",
        version="1.2.0",
        twcasual_version="0.1.0",
        license="cc-by-4.0",
        signature="twcasual:0.1.0|version:1.2.0",
        counts={"en-to-casual": {"train": 9, "validation": 1, "test": 0},
                "casual-to-en": {"train": 9, "validation": 1, "test": 2}},
        recipes=[("en-to-casual", "1.0.0", "built-in", "English in, casual zh-TW out.")],
        default_config="en-to-casual",
    )
    values.update(changes)
    return CardInfo(**values)


def test_configs_leave_out_empty_splits_and_add_all() -> None:
    """Each recipe is a config without its empty splits; `all` lists every recipe's files."""
    configs = card_configs(_info().counts, "en-to-casual")
    by_name = {c["config_name"]: c for c in configs}
    assert [d["split"] for d in by_name["en-to-casual"]["data_files"]] == ["train", "validation"]
    assert by_name["en-to-casual"].get("default") is True
    assert "default" not in by_name["casual-to-en"]
    all_files = {d["split"]: d["path"] for d in by_name["all"]["data_files"]}
    assert all_files["test"] == ["casual-to-en/test-*"]
    assert all_files["train"] == ["casual-to-en/train-*", "en-to-casual/train-*"]


def test_card_yaml_parses_and_states_license_and_counts() -> None:
    """The rendered card parses as a Hub card with license, languages and configs."""
    text = render_card(_info())
    card = DatasetCard(text)
    assert card.data.license == "cc-by-4.0"
    assert card.data.language == ["en", "zh"]
    assert [c["config_name"] for c in card.data.configs] == ["casual-to-en", "en-to-casual", "all"]
    assert "| `en-to-casual` | 9 | 1 | 0 | 10 |" in text
    assert "`en-to-casual` has no rows in test" in text
    assert "CC BY 4.0" in text
    assert "twcasual:0.1.0|version:1.2.0" in text


def test_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    """A template placeholder the card does not fill names itself in the error."""
    template = tmp_path / "card.md"
    template.write_text("---\n$yaml\n---\n$no_such_value\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no_such_value"):
        render_card(_info(), template)
