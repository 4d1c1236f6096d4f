"""The generated reference pages match the code, so the docs cannot drift from the registry or CLI."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder import Example, Pair, RecipeContext, recipe
from builder.contract.registry import BUILT_IN, Registry
from builder.docgen import main, render_cli, render_recipes

pytest_plugins = ["builder.testing"]  # the make_pair fixture

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "stale: run `python -m builder.docgen` from the repository root and commit docs/"


def test_recipes_reference_is_current() -> None:
    """docs/recipes.md is exactly what the registry renders today."""
    assert (DOCS / "recipes.md").read_text(encoding="utf-8") == render_recipes(), REGENERATE


def test_cli_reference_is_current() -> None:
    """docs/cli.md is exactly the parser's help, on the Python version the page was made with."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    made_with = re.search(r"as printed by Python (\d+)\.(\d+)", text)
    assert made_with, "docs/cli.md does not say which Python printed it"
    if tuple(map(int, made_with.groups())) != sys.version_info[:2]:
        pytest.skip(
            f"docs/cli.md was generated on Python {'.'.join(made_with.groups())}; argparse differs here"
        )
    assert text == render_cli(), REGENERATE


def test_cli_reference_covers_every_command() -> None:
    """Every command and subcommand has a section."""
    text = render_cli()
    for command in (
        "twcasual",
        "twcasual build",
        "twcasual recipes list",
        "twcasual recipes show",
        "twcasual annotate",
        "twcasual inspect",
    ):
        assert f"## `{command}`\n" in text


def test_check_mode_reports_stale_pages_and_writing_fixes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--check` exits 1 on a missing page and writes nothing; a plain run writes, then --check is 0."""
    assert main(["--out", str(tmp_path), "--check"]) == 1
    assert "stale:" in capsys.readouterr().err and not any(tmp_path.iterdir())
    assert main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.md", "recipes.md"]
    assert main(["--out", str(tmp_path), "--check"]) == 0


def test_recipe_page_lists_built_ins_only_with_an_example(make_pair: Callable[..., Pair]) -> None:
    """Only built-in recipes are documented; each shows the first pair it accepts and its fields."""

    @recipe("quote-particles", version="3.1.4", fields=("particles",))
    def quote_particles(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """List the particles of a line.

        Skips lines without particles. Uses ``` in its prompt on purpose.
        """
        found = [s.text for s in pair.style.particles] if pair.style else []
        for particle in found:
            yield Example(
                instruction=f"```{particle}``` 是什麼語氣？",
                output=f"「{particle}」讓語氣比較輕鬆。",
                extra={"particles": found},
                synthetic=True,
            )

    @recipe("outside-plugin", version="1.0.0")
    def outside_plugin(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        """Come from somewhere else."""
        yield Example(instruction="x", output=pair.zh)

    registry = Registry()
    registry.register(quote_particles, BUILT_IN)
    registry.register(outside_plugin, "some-package 1.0.0")
    pairs = [
        make_pair("The shop is closed.", "店關了。", line=1),
        make_pair("Okay, okay, I am coming.", "好啦好啦，我來了啦。", line=2),
        make_pair("That is amazing.", "也太厲害了吧。", line=3),
    ]
    page = render_recipes(registry, pairs)
    assert "outside-plugin" not in page
    assert "twcasual ships 1 recipes." in page
    assert (
        "| [`quote-particles`](#quote-particles) | 3.1.4 | List the particles of a line. |" in page
    )
    assert "- extra fields: `particles`" in page
    assert "Skips lines without particles." in page
    assert "From the golden pair at `<test>:2`:" in page
    assert "````text\n```啦``` 是什麼語氣？\n````" in page
    assert 'extra: `{"particles": ["啦", "啦", "啦"]}`; synthetic: `true`' in page
    assert "(1 more records from this pair.)" in page


def test_architecture_page_matches_the_tree() -> None:
    """docs/architecture.md names only modules and folders that exist, and names every module and
    every sub-package of builder/, so the map cannot drift from the tree."""
    root = DOCS.parent
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(builder/[\w/]*(?:\.py|/))`", text))
    missing = sorted(n for n in named if not (root / n).exists())
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"
    # a sub-package's __init__.py is named by its folder
    modules = {p.relative_to(root).as_posix() for p in (root / "builder").rglob("*.py")
               if p.name != "__init__.py" or p.parent == root / "builder"}
    packages = {f"{p.parent.relative_to(root).as_posix()}/" for p in (root / "builder").rglob("__init__.py")}
    packages.discard("builder/")
    unnamed = sorted((modules | packages) - named)
    assert not unnamed, f"docs/architecture.md does not name: {unnamed}"


def test_readme_links_the_architecture_page() -> None:
    """A newcomer finds the map from the README."""
    assert "docs/architecture.md" in (DOCS.parent / "README.md").read_text(encoding="utf-8")


def test_the_recipe_guide_documents_every_public_name() -> None:
    """Every name `builder` exports (the whole of what a recipe may import) is in
    docs/writing-recipes.md."""
    import builder

    text = (DOCS / "writing-recipes.md").read_text(encoding="utf-8")
    undocumented = [name for name in builder.__all__ if name != "__version__" and f"`{name}" not in text]
    assert not undocumented
