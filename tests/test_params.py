"""Declared recipe parameters, the core's keys, the contract version, and Recipe.run's checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builder import CONTRACT_VERSION, Example, Pair, Param, RecipeContext, recipe
from builder.config import config_from_mapping
from builder.contract.apply import Step
from builder.contract.params import CORE_KEYS
from builder.errors import ConfigError, RecipeError
from builder.pipeline import build
from builder.pipeline.pass2 import PAIR_COUNTS

pytest_plugins = ["builder.testing"]  # the make_pair fixture

SHOUT = '''
from builder import Example, Param, recipe


@recipe("shout", version="1.0.0", params=[Param("mark", str, "!", "what ends the line"),
                                          Param("times", int, 1, "how often the mark is repeated")])
def shout(pair, ctx):
    """Repeat the English line with a configurable mark."""
    end = ctx.params["mark"] * ctx.params["times"]
    yield Example(instruction="Say it louder.", input=pair.en, output=pair.en + end)
'''


def _project(folder: Path, table: dict) -> Path:
    (folder / "in").mkdir()
    (folder / "in" / "a.txt").write_text("The bus is late again.\n公車又遲到了啦。\n", encoding="utf-8")
    (folder / "shout.py").write_text(SHOUT, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("table", "message"), [
    ({"mark": "?", "tmes": 2}, "t.toml [recipes.\"shout.py\"]: unknown parameter 'tmes' for recipe 'shout' "
                               "(did you mean 'times'?). Its parameters: mark, times; the core's, for every "
                               "recipe: min_particles"),
    ({"times": "two"}, "t.toml [recipes.\"shout.py\"]: parameter 'times' of recipe 'shout' must be a whole "
                       "number, not 'two'"),
    ({"mark": True}, "parameter 'mark' of recipe 'shout' must be a string, not True"),
])
def test_a_parameter_typo_is_a_config_error_naming_recipe_and_key(tmp_path: Path, table: dict,
                                                                   message: str) -> None:
    """An undeclared key or a value of the wrong type stops the build before any work, naming the
    recipe and the key (it used to be ignored: the recipe silently used its default)."""
    _project(tmp_path, table)
    config = config_from_mapping({"input": {"paths": ["in"]}, "recipes": {"shout.py": table}},
                                 base=tmp_path, where="t.toml")
    with pytest.raises(ConfigError) as caught:
        build(config, tmp_path / "out")
    assert message in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_built_in_recipe_takes_no_undeclared_parameter(tmp_path: Path) -> None:
    """A built-in without parameters refuses any key but the core's."""
    _project(tmp_path, {})
    config = config_from_mapping({"input": {"paths": ["in"]},
                                  "recipes": {"en-to-casual": {"min_partciles": 1}}}, base=tmp_path)
    with pytest.raises(ConfigError, match=r"unknown parameter 'min_partciles' for recipe 'en-to-casual' "
                                          r"\(did you mean 'min_particles'\?\)"):
        build(config, tmp_path / "out")


def test_declared_parameters_arrive_with_their_defaults(tmp_path: Path) -> None:
    """ctx.params holds every declared parameter, the config's value or the default; a whole
    number given to a float parameter arrives as a float."""
    _project(tmp_path, {})
    config = config_from_mapping({"input": {"paths": ["in"]}, "split": {"ratios": {"train": 1.0}},
                                  "recipes": {"shout.py": {"times": 3}}}, base=tmp_path)
    build(config, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["build_signature"]["recipe_params"]["shout"] == {"params": {"times": 3}, "min_particles": 0,
                                                                       "min_casual": 0.0}
    (row,) = pq.read_table(tmp_path / "out" / "shout" / "train-00000-of-00001.parquet").to_pylist()
    assert row["output"] == "The bus is late again.!!!"

    @recipe("scaled", version="1.0.0", params=[Param("weight", float, 0.5, "a weight")])
    def scaled(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Say the weight."""
        yield Example(instruction=f"{ctx.params['weight']!r}", output=pair.zh)

    assert Step(scaled, {"weight": 2}).frozen_params == {"weight": 2.0}
    assert Step(scaled).frozen_params == {"weight": 0.5}


@pytest.mark.parametrize(("params", "problem"), [
    ([Param("Max", int, 1)], "parameter name 'Max' is not snake_case"),
    ([Param("n", int, "1")], "parameter 'n' has default '1', not a whole number"),
    ([Param("n", set, set())], "parameter 'n' has type <class 'set'>"),
    ([Param("n", int, 1), Param("n", int, 2)], "parameter 'n' is declared twice"),
    ([Param("min_particles", int, 0)], "parameter 'min_particles' is a key the core handles"),
    (["n"], "params must be Param(...) declarations, not str"),
])
def test_a_bad_declaration_is_refused_at_registration(params: list, problem: str) -> None:
    """The decorator checks each declaration and names the recipe."""
    def echo(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Echo the zh line."""
        yield Example(instruction="x", output=pair.zh)

    with pytest.raises(RecipeError) as caught:
        recipe("echo", version="1.0.0", params=params)(echo)
    assert str(caught.value).startswith("recipe 'echo' (") and problem in str(caught.value)


def _echo(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Echo the zh line."""
    yield Example(instruction="請再講一次：", output=pair.zh)


def test_the_contract_version_of_today_and_an_older_minor_are_accepted() -> None:
    """A recipe written for this contract, or one that states nothing, registers."""
    assert CONTRACT_VERSION == "2.2"
    assert recipe("echo", version="1.0.0", contract="2.2")(_echo).contract == "2.2"
    assert recipe("echo", version="1.0.0", contract="2.1")(_echo).contract == "2.1"
    assert recipe("echo", version="1.0.0", contract="2.0")(_echo).contract == "2.0"
    assert recipe("echo", version="1.0.0")(_echo).contract == CONTRACT_VERSION


@pytest.mark.parametrize(("contract", "message"), [
    ("1.0", r"^recipe 'echo' \(.*\) was written for recipe contract 1\.0; twcasual \S+ keeps recipe contract "
            r"2\.2 \(changed since: 2\.0: parameters are declared with @recipe\(params=\[Param\(\.\.\.\)\]\)\): "
            r"update the recipe and state contract='2\.2'$"),
    ("2.3", r"was written for recipe contract 2\.3, newer than this twcasual: .*; upgrade twcasual$"),
    ("3.0", r"was written for recipe contract 3\.0, newer than this twcasual"),
    ("2", r"contract '2' is not MAJOR\.MINOR"),
])
def test_an_incompatible_contract_version_is_a_clear_error(contract: str, message: str) -> None:
    """A recipe for an older major contract, or a newer one, is refused with what to do."""
    with pytest.raises(RecipeError, match=message):
        recipe("echo", version="1.0.0", contract=contract)(_echo)


def test_recipe_run_applies_the_checks_of_a_build(make_pair: Callable[..., Pair]) -> None:
    """Recipe.run refuses what a build refuses: Simplified output, an undeclared extra field, an
    unknown parameter (it used to hand such examples back)."""
    pair = make_pair("Could you lend me an umbrella?", "可以借我一把傘嗎？")

    @recipe("careless", version="1.0.0")
    def careless(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Answer in Simplified script."""
        yield Example(instruction="說說看：", input=pair.en, output="借我一把伞吧")

    @recipe("chatty", version="1.0.0")
    def chatty(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Put an undeclared field in extra."""
        yield Example(instruction="說說看：", output=pair.zh, extra={"mood": "warm"})

    with pytest.raises(RecipeError, match=r"recipe 'careless' 1\.0\.0 failed on pair <test>:1: malformed "
                                          r"example: output is in Simplified script"):
        careless.run(pair)
    with pytest.raises(RecipeError, match=r"extra fields \['mood'\] are not declared"):
        chatty.run(pair)
    with pytest.raises(ConfigError, match=r"run\(\): unknown parameter 'tone' for recipe 'chatty'"):
        chatty.run(pair, {"tone": "warm"})


def test_every_core_key_is_handled_end_to_end(make_pair: Callable[..., Pair]) -> None:
    """Each key of CORE_KEYS is split off the recipe's table, filters pairs, has a report count
    and a place in the signature: adding one is a one-line change in CORE_KEYS."""
    from builder.contract.params import check_core, split_table

    pair = make_pair("The shop is closed.", "店關了。")
    for key in CORE_KEYS:
        params, core = split_table({key.name: 1, "tone": "x"})
        assert (params, core) == ({"tone": "x"}, {key.name: 1})
        assert check_core("echo", {})[key.name] == key.default
        assert f"pairs_below_{key.name}" in PAIR_COUNTS
        high = key.maximum if key.maximum is not None else 5  # more than the pair measures
        step = Step(recipe("echo", version="1.0.0")(_echo), core={key.name: high})
        assert step.core_values[key.name] == high and step.kept_out_by(pair) == key.name
        assert not step.wants(pair)
        assert step.refused([pair, pair]).tolist() == [1, 1]  # the batch form agrees
