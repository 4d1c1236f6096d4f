"""The build config: defaults, paths relative to the file, and one-line errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.config import DEFAULT_RECIPES, config_from_mapping, load_config
from builder.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_default_config_file_loads() -> None:
    """The shipped twcasual.toml selects every built-in recipe and the sample corpus."""
    config = load_config(ROOT / "twcasual.toml")
    assert [r.name for r in config.recipes] == list(DEFAULT_RECIPES)
    assert config.inputs == (ROOT / "data" / "sample",)
    assert sum(config.ratios.values()) == pytest.approx(1.0)
    explain = [r for r in config.recipes if r.name == "explain-particles"][0]
    assert dict(explain.core) == {"min_particles": 1} and dict(explain.params) == {}


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    """Input paths and recipe files resolve against the config's folder, not the working folder."""
    (tmp_path / "twcasual.toml").write_text(
        '[input]\npaths = ["corpus"]\n[recipes."my/shout.py"]\nloud = true\n', encoding="utf-8"
    )
    config = load_config(tmp_path / "twcasual.toml")
    assert config.inputs == (tmp_path / "corpus",)
    (selection,) = config.recipes
    assert selection.file == tmp_path / "my" / "shout.py"
    assert dict(selection.params) == {"loud": True}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"inputs": {}}, "unknown section [inputs]"),
        ({"input": {"path": ["x"]}}, "unknown key input.path"),
        ({"dataset": {"version": "1.2"}}, "not semver"),
        ({"export": {"formats": ["csv"]}}, "unknown export format 'csv'"),
        ({"export": {"shard_rows": 0}}, "export.shard_rows must be a whole number > 0"),
        ({"recipes": {"en-to-casual": {"min_particles": -1}}}, "min_particles"),
        ({"recipes": {"en-to-casual": 3}}, "must be a table"),
        ({"build": {"workers": "two"}}, "build.workers must be a whole number"),
    ],
)
def test_config_mistakes_are_one_line_errors(data: dict, message: str) -> None:
    """Each mistake raises ConfigError naming the key, on one line."""
    with pytest.raises(ConfigError) as caught:
        config_from_mapping(data, base=Path("."), where="t.toml")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    """A missing or invalid TOML file is a ConfigError naming the file."""
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("[dataset\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml: invalid TOML"):
        load_config(tmp_path / "bad.toml")
