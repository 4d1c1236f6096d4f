"""Plugins load lazily, by name: a broken one fails only the builds that select it. Built-in recipes
use only the public contract, and check_recipe makes records the way a build does."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import builder
from builder.config import config_from_mapping
from builder.contract.registry import BUILT_IN, default_registry
from builder.errors import RecipeError
from builder.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ("broken-hint", "twcasual-broken", "0.3.0")
# What a plugin that fails to import says when it is asked for.
BROKEN_MESSAGE = ("recipe 'broken-hint' (twcasual-broken 0.3.0, entry point broken-hint = "
                  "twcasual_broken:broken_hint) cannot be loaded: ModuleNotFoundError: No module named "
                  "'twcasual_missing_dependency'")


def _broken_site(folder: Path) -> Path:
    """An installed distribution (dist-info and module) whose recipe module fails to import."""
    site = folder / "site"
    info = site / "twcasual_broken-0.3.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: twcasual-broken\nVersion: 0.3.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[twcasual.recipes]\nbroken-hint = twcasual_broken:broken_hint\n", encoding="utf-8")
    (site / "twcasual_broken.py").write_text("import twcasual_missing_dependency  # not installed\n",
                                             encoding="utf-8")
    return site


@pytest.fixture
def broken_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The broken distribution on sys.path for this test only; returns its folder."""
    site = _broken_site(tmp_path)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return site


def _input(folder: Path) -> Path:
    (folder / "in").mkdir(exist_ok=True)
    (folder / "in" / "a.txt").write_text("The bus is late again.\n公車又遲到了啦。\n", encoding="utf-8")
    return folder


def test_a_broken_plugin_that_is_not_selected_does_not_stop_a_build(tmp_path: Path,
                                                                     broken_plugin: Path) -> None:
    """The registry knows the broken plugin's name but imports nothing until it is asked for."""
    registry = default_registry()
    assert "broken-hint" in registry and registry.origin("broken-hint") == "twcasual-broken 0.3.0"
    config = config_from_mapping({"input": {"paths": ["in"]}, "recipes": {"en-to-casual": {}}},
                                 base=_input(tmp_path))
    result = build(config, tmp_path / "out", registry=registry)
    assert sum(result.counts["en-to-casual"].values()) == 1
    assert "twcasual_broken" not in sys.modules


def test_a_broken_plugin_that_is_selected_names_itself_its_package_and_the_error(
        tmp_path: Path, broken_plugin: Path) -> None:
    """Selecting it stops the build before any work, with one line naming the recipe, the
    distribution and version, the entry point and the import error."""
    config = config_from_mapping({"input": {"paths": ["in"]}, "recipes": {"broken-hint": {}}},
                                 base=_input(tmp_path))
    with pytest.raises(RecipeError) as caught:
        build(config, tmp_path / "out")
    assert str(caught.value) == BROKEN_MESSAGE
    assert not (tmp_path / "out").exists()


def test_the_listing_marks_a_broken_plugin_and_lists_the_rest(broken_plugin: Path) -> None:
    """Every recipe is listed; the broken one carries its error instead of a recipe."""
    rows = {row.name: row for row in default_registry().listing()}
    assert rows["broken-hint"].recipe is None and rows["broken-hint"].error == BROKEN_MESSAGE
    assert rows["en-to-casual"].recipe is not None and rows["en-to-casual"].origin == BUILT_IN


def _cli(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "builder", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, check=False)


def test_the_command_line_with_a_broken_plugin_installed(tmp_path: Path) -> None:
    """`recipes list` lists the rest and marks the broken one; a build that selects it fails with
    one line; a build that does not select it works."""
    site = _broken_site(tmp_path)
    listed = _cli(site, "recipes", "list")
    assert listed.returncode == 0, listed.stderr
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith("broken-hint ")]
    assert "twcasual-broken 0.3.0" in line and "cannot be loaded: ModuleNotFoundError" in line
    assert any(row.startswith("en-to-casual ") for row in listed.stdout.splitlines())
    _input(tmp_path)
    (tmp_path / "bad.toml").write_text('[input]\npaths = ["in"]\n[recipes.broken-hint]\n', encoding="utf-8")
    (tmp_path / "good.toml").write_text('[input]\npaths = ["in"]\n[recipes.en-to-casual]\n', encoding="utf-8")
    bad = _cli(site, "build", "--config", "bad.toml", "--out", "out", "--quiet", "--no-cache", cwd=tmp_path)
    assert bad.returncode != 0 and bad.stderr == f"twcasual: error: {BROKEN_MESSAGE}\n"
    good = _cli(site, "build", "--config", "good.toml", "--out", "out", "--quiet", "--no-cache", cwd=tmp_path)
    assert good.returncode == 0, good.stderr


def test_built_in_recipes_import_only_public_names_of_builder() -> None:
    """recipes/ imports `from builder import ...` names listed in builder.__all__, never a module
    of builder: the built-ins keep the contract that plugins keep."""
    for path in sorted((ROOT / "recipes").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("builder") for a in node.names), path.name
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("builder"):
                assert node.module == "builder", f"{path.name} imports {node.module}"
                assert {a.name for a in node.names} <= set(builder.__all__), path.name


def test_public_names_resolve() -> None:
    """Every name builder exports exists (build is imported on first use)."""
    for name in builder.__all__:
        assert getattr(builder, name) is not None, name
    from builder.pipeline.build import build as real_build

    assert builder.build is real_build


def test_check_recipe_makes_records_with_the_build_recipe_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """check_recipe's records come from the build's recipe stage (pipeline.recipe_tables), not from
    a path of its own: what it checks is what a build writes."""
    from builder.pipeline import recipe_tables
    from builder.testing import check_recipe, load_golden_pairs

    calls = []
    real = recipe_tables.recipe_table

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[2].recipe.name)
        return real(*args, **kwargs)

    monkeypatch.setattr(recipe_tables, "recipe_table", spy)
    report = check_recipe(default_registry().get("en-to-casual"), cross_process=False)
    assert calls == ["en-to-casual"] * 2 * len(load_golden_pairs())  # two runs over every pair
    assert report.examples == len(load_golden_pairs())
