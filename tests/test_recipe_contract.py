"""The recipe contract: every registered recipe passes check_recipe, and the registry checks recipes."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import builder.contract.registry
from builder import Example, Pair, RecipeContext, recipe
from builder.cli import main
from builder.config import config_from_mapping
from builder.contract.recipe import Recipe
from builder.contract.registry import BUILT_IN, Registry, default_registry
from builder.errors import ConfigError, RecipeError
from builder.testing import check_recipe

pytest_plugins = ["builder.testing"]  # the make_pair fixture

REGISTERED = list(default_registry())


@pytest.mark.parametrize("item", REGISTERED, ids=[r.name for r in REGISTERED])
def test_every_registered_recipe_keeps_the_contract(item: Recipe) -> None:
    """Schema, determinism in and across processes, Traditional script, no network, documented."""
    report = check_recipe(item)
    assert report.examples > 0 and report.cross_process
    assert item.description.strip() and item.origin


def test_built_in_recipes_come_through_entry_points() -> None:
    """The built-ins are found through the entry-point group, like any plugin, and say so."""
    names = {r.name: r.origin for r in REGISTERED}
    assert names["en-to-casual"] == BUILT_IN
    assert names["casual-to-en"] == BUILT_IN


# --- what the registry checks at registration ---------------------------------------------------


def _pair_recipe(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Ask for the zh line back."""
    yield Example(instruction="請把這句重講一次。", output=pair.zh)


def test_name_must_be_kebab_case() -> None:
    """A CamelCase name is refused, naming the function and the rule."""
    with pytest.raises(RecipeError, match=r"_pair_recipe: name 'EchoLine' is not kebab-case"):
        recipe("EchoLine", version="1.0.0")(_pair_recipe)


def test_version_must_be_semver() -> None:
    """A two-part version is refused, naming the recipe."""
    with pytest.raises(RecipeError, match=r"recipe 'echo-line' .*version '1\.0' is not semver"):
        recipe("echo-line", version="1.0")(_pair_recipe)


def test_docstring_is_required() -> None:
    """A function without a docstring is refused: its first line is the description."""

    def undocumented(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        yield Example(instruction="x", output=pair.zh)

    with pytest.raises(RecipeError, match=r"recipe 'echo-line' .*undocumented.*needs a docstring"):
        recipe("echo-line", version="1.0.0")(undocumented)


@pytest.mark.parametrize(
    "function",
    [
        lambda pair: None,
        lambda pair, ctx, extra: None,
        lambda pair, ctx, *, style: None,
    ],
    ids=["one-argument", "three-arguments", "required-keyword"],
)
def test_signature_must_be_pair_and_ctx(function: Callable[..., None]) -> None:
    """Anything but (pair, ctx) is refused, naming the recipe."""
    function.__doc__ = "Do nothing useful."
    with pytest.raises(RecipeError, match=r"recipe 'echo-line' .*must take exactly \(pair, ctx\)"):
        recipe("echo-line", version="1.0.0")(function)


def test_docstring_first_line_is_the_description() -> None:
    """The description is the docstring's first line; fields are kept in order."""
    item = recipe("echo-line", version="2.1.0-beta.1", fields=("tone", "level"))(_pair_recipe)
    assert item.description == "Ask for the zh line back."
    assert item.fields == ("tone", "level")


def test_taken_name_names_both_places() -> None:
    """Two different functions under one name: the error gives both file:line locations."""
    registry = Registry()
    first = registry.register(recipe("echo-line", version="1.0.0")(_pair_recipe), "file a.py")

    def other(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Ask for the zh line back, again."""
        yield Example(instruction="再講一次。", output=pair.zh)

    second = recipe("echo-line", version="1.0.0")(other)
    with pytest.raises(RecipeError) as caught:
        registry.register(second, "file b.py")
    message = str(caught.value)
    assert "'echo-line' is taken" in message
    assert first.defined_at in message and second.defined_at in message
    assert "file a.py" in message and "file b.py" in message


def test_registering_the_same_recipe_twice_is_harmless() -> None:
    """The same function registered twice (a plugin imported twice) is one recipe."""
    registry = Registry()
    item = recipe("echo-line", version="1.0.0")(_pair_recipe)
    registry.register(item)
    registry.register(item)
    assert registry.names() == ["echo-line"]


def test_unknown_name_lists_available_recipes() -> None:
    """A typo in a recipe name lists what is available."""
    registry = Registry()
    registry.register(recipe("en-to-casual", version="1.0.0")(_pair_recipe))
    registry.register(recipe("casual-to-en", version="1.0.0")(_pair_recipe))
    with pytest.raises(
        ConfigError,
        match=r"^unknown recipe 'en-to-casaul'\. Available: casual-to-en, en-to-casual$",
    ):
        registry.get("en-to-casaul")


def test_unknown_name_in_a_config_lists_available_recipes(tmp_path: Path) -> None:
    """A config selecting a recipe that does not exist fails before anything is read."""
    from builder.pipeline import select_steps

    config = config_from_mapping({"recipes": {"en-to-casaul": {}}}, base=tmp_path)
    with pytest.raises(
        ConfigError, match=r"unknown recipe 'en-to-casaul'\. Available: .*en-to-casual"
    ):
        select_steps(config, default_registry())


# --- loading a recipe from a file ----------------------------------------------------------------

FILE_RECIPE = '''
"""A recipe kept in a local file, for a quick experiment."""

from builder import Example, Param, recipe


@recipe("ask-for-zh", version="0.2.0", params=[Param("tone", str, "plain", "how the request sounds")])
def ask_for_zh(pair, ctx):
    """Ask how the English line is said casually in Taiwan."""
    yield Example(instruction=ctx.pick(["這句台灣人會怎麼講？", "用口語講講看："]), input=pair.en, output=pair.zh)
'''


def _write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_load_file_registers_the_recipes_in_it(
    tmp_path: Path, make_pair: Callable[..., Pair]
) -> None:
    """A file's recipes are registered with the file as their origin, and they run."""
    registry = Registry()
    loaded = registry.load_file(_write(tmp_path, "ask.py", FILE_RECIPE), display="ask.py")
    assert [r.name for r in loaded] == ["ask-for-zh"]
    assert registry.get("ask-for-zh").origin == "file ask.py"
    pair = make_pair("The night market opens at six.", "夜市六點才開啦。")
    (example,) = registry.get("ask-for-zh").run(pair)
    assert (
        example.output == "夜市六點才開啦。" and example.input == "The night market opens at six."
    )


def test_load_file_through_a_config(tmp_path: Path) -> None:
    """A config key ending in .py loads that file relative to the config's folder."""
    from builder.pipeline import select_steps

    _write(tmp_path, "ask.py", FILE_RECIPE)
    config = config_from_mapping({"recipes": {"ask.py": {"tone": "warm"}}}, base=tmp_path)
    (step,) = select_steps(config, Registry())
    assert step.recipe.name == "ask-for-zh" and dict(step.params) == {"tone": "warm"}


def test_file_without_recipes_and_file_that_fails_are_one_line_errors(tmp_path: Path) -> None:
    """A file with no recipe, a missing file and a file that raises on import each name the file."""
    registry = Registry()
    with pytest.raises(ConfigError, match=r"^empty\.py: defines no @recipe function$"):
        registry.load_file(_write(tmp_path, "empty.py", "X = 1\n"), display="empty.py")
    with pytest.raises(ConfigError, match=r"^gone\.py: recipe file not found$"):
        registry.load_file(tmp_path / "gone.py", display="gone.py")
    with pytest.raises(RecipeError, match=r"^broken\.py: import failed: ZeroDivisionError"):
        registry.load_file(_write(tmp_path, "broken.py", "1 / 0\n"), display="broken.py")


def test_file_recipe_passes_check_recipe_across_processes(tmp_path: Path) -> None:
    """check_recipe reloads a file-defined recipe by path in its second process."""
    (item,) = Registry().load_file(_write(tmp_path, "ask.py", FILE_RECIPE))
    report = check_recipe(item)
    assert report.cross_process and report.examples == report.pairs


# --- RecipeContext -----------------------------------------------------------------------------


def test_context_picks_are_the_same_for_the_same_recipe_and_pair(
    make_pair: Callable[..., Pair],
) -> None:
    """Two contexts for one recipe and pair draw the same sequence."""
    pair = make_pair("The bus is late again.", "公車又遲到了啦。")
    options = list(range(1000))
    first = RecipeContext("echo-line", pair)
    second = RecipeContext("echo-line", pair, {"unused": 1})
    assert [first.pick(options) for _ in range(20)] == [second.pick(options) for _ in range(20)]


def test_context_streams_differ_by_recipe_and_by_pair(make_pair: Callable[..., Pair]) -> None:
    """Another recipe name, or another pair, gives an independent stream."""
    pair = make_pair("The bus is late again.", "公車又遲到了啦。")
    other_pair = make_pair("The train is on time today.", "今天火車竟然準時耶。")
    options = list(range(1000))

    def draws(ctx: RecipeContext) -> list[int]:
        return [ctx.pick(options) for _ in range(20)]

    base = draws(RecipeContext("echo-line", pair))
    assert draws(RecipeContext("other-line", pair)) != base
    assert draws(RecipeContext("echo-line", other_pair)) != base


def test_context_params_are_read_only(make_pair: Callable[..., Pair]) -> None:
    """A recipe cannot change its parameters for the next pair."""
    ctx = RecipeContext("echo-line", make_pair("Thanks a lot.", "感恩啦。"), {"tone": "warm"})
    with pytest.raises(TypeError):
        ctx.params["tone"] = "cold"  # type: ignore[index]
    with pytest.raises(ValueError, match="at least one option"):
        ctx.pick([])


# --- a recipe defined in a test: the API and the CLI -------------------------------------------


def _local_registry() -> tuple[Registry, Recipe]:
    @recipe("repeat-casual", version="0.1.0", fields=("length",))
    def repeat_casual(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Ask to say the casual line again, recording its length."""
        if len(pair.zh) < 4:
            return
        yield Example(
            instruction="請再講一次這句：",
            input=pair.zh,
            output=pair.zh,
            extra={"length": len(pair.zh)},
        )

    registry = Registry()
    return registry, registry.register(repeat_casual, "test")


def test_local_recipe_through_the_api(make_pair: Callable[..., Pair]) -> None:
    """A recipe defined here runs through the registry and passes check_recipe in one process."""
    registry, item = _local_registry()
    assert registry.get("repeat-casual") is item
    (example,) = item.run(make_pair("It is really cold this morning.", "今天早上超冷的啦。"))
    assert dict(example.extra) == {"length": len("今天早上超冷的啦。")}
    assert item.run(make_pair("Okay.", "好喔。")) == []
    report = check_recipe(item, cross_process=False)
    assert not report.cross_process and report.examples > 0
    with pytest.raises(AssertionError, match="cannot be imported by another process"):
        check_recipe(item)


def test_local_recipe_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`twcasual recipes show` renders the local recipe's record; `list` shows it with its origin."""
    registry, _ = _local_registry()
    monkeypatch.setattr(builder.contract.registry, "default_registry", lambda: registry)
    assert (
        main(
            [
                "recipes",
                "show",
                "repeat-casual",
                "--en",
                "It is really cold this morning.",
                "--zh",
                "今天早上超冷的啦。",
            ]
        )
        == 0
    )
    row = json.loads(capsys.readouterr().out)
    assert row["recipe"] == "repeat-casual" and row["recipe_version"] == "0.1.0"
    assert row["messages"][1] == {"role": "assistant", "content": "今天早上超冷的啦。"}
    assert json.loads(row["extra"]) == {"length": 9}

    assert main(["recipes", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed == {
        "name": "repeat-casual",
        "version": "0.1.0",
        "origin": "test",
        "description": "Ask to say the casual line again, recording its length.",
    }


def test_file_recipe_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--file` loads a recipe for `show` and `list`; a skipped pair says so."""
    path = _write(tmp_path, "ask.py", FILE_RECIPE)
    monkeypatch.chdir(tmp_path)
    assert (
        main(
            [
                "recipes",
                "show",
                "ask-for-zh",
                "--file",
                "ask.py",
                "--en",
                "The night market opens at six.",
                "--zh",
                "夜市六點才開啦。",
            ]
        )
        == 0
    )
    row = json.loads(capsys.readouterr().out)
    assert row["recipe"] == "ask-for-zh" and row["input"] == "The night market opens at six."
    assert row["source_file"] == "<command line>"

    assert main(["recipes", "list", "--file", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "version", "from", "description"]
    (mine,) = [line for line in lines if line.startswith("ask-for-zh ")]
    assert "0.2.0" in mine and f"file {path}" in mine
    assert "Ask how the English line is said casually in Taiwan." in mine


def test_cli_unknown_recipe_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`recipes show` with a typo exits 2 with the available names on one stderr line."""
    assert main(["recipes", "show", "en-to-casaul", "--en", "Hi.", "--zh", "嗨。"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("twcasual: error: unknown recipe 'en-to-casaul'. Available: ")
