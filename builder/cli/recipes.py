"""`twcasual recipes list` and `twcasual recipes show`: what is installed, and what a recipe makes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from builder.errors import ConfigError

__all__ = ["add_recipes_command", "run_list", "run_show"]


def add_recipes_command(commands: Any) -> None:
    """Register `twcasual recipes list` and `twcasual recipes show`."""
    recipes = commands.add_parser("recipes", help="list or try recipes").add_subparsers(
        dest="recipes_command", required=True, metavar="SUBCOMMAND")
    p = recipes.add_parser("list", help="show every installed recipe")
    p.add_argument("--file", action="append", help="also load recipes from this Python file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run_list)
    p = recipes.add_parser("show", help="render the records a recipe makes for one pair")
    p.add_argument("name")
    p.add_argument("--en", required=True, help="the formal English line")
    p.add_argument("--zh", required=True, help="the casual zh-TW line")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="recipe parameter or core key such as min_casual (JSON value)")
    p.add_argument("--file", action="append", help="also load recipes from this Python file")
    p.set_defaults(handler=run_show)


def _registry(files: list[str] | None) -> Any:
    from builder.contract import registry

    found = registry.default_registry()
    for path in files or ():
        found.load_file(Path(path), display=path)
    return found


def run_list(args: argparse.Namespace) -> int:
    """Handle `recipes list`: every recipe; one whose plugin cannot be loaded says why."""
    rows = []
    for entry in _registry(args.file).listing():
        item = entry.recipe
        row = {"name": entry.name, "version": item.version if item else "-", "origin": entry.origin,
               "description": item.description if item else entry.error}
        rows.append({**row, "error": entry.error} if entry.error else row)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    keys = ("name", "version", "origin")
    widths = [max(len(r[k]) for r in [*rows, {"name": "name", "version": "version", "origin": "from"}])
              for k in keys]
    print(f"{'name':<{widths[0]}}  {'version':<{widths[1]}}  {'from':<{widths[2]}}  description")
    for row in rows:
        print("  ".join(f"{row[k]:<{w}}" for k, w in zip(keys, widths)) + f"  {row['description']}")
    return 0


def _params(items: list[str] | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items or ():
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise ConfigError(f"--param {item!r}: expected KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def run_show(args: argparse.Namespace) -> int:
    """Handle `recipes show`: the records a recipe makes of one pair, made the way a build makes them."""
    from builder.contract.apply import Step
    from builder.contract.params import CORE_KEYS, check_core, split_table
    from builder.pipeline.recipe_tables import recipe_records
    from builder.testing import new_pair

    recipe = _registry(args.file).get(args.name)
    params, core = split_table(_params(args.param))
    recipe.resolve_params(params, where="--param")
    check_core(recipe.name, core, where="--param")
    try:  # normalised and annotated exactly as a build would
        pair = new_pair(args.en, args.zh, file="<command line>")
    except ValueError as error:
        raise ConfigError(str(error)) from None
    step = Step(recipe, params, core)
    table = recipe_records([pair], step)
    if not table.num_rows:
        key = step.kept_out_by(pair)
        measure = next((k.measure(pair) for k in CORE_KEYS if k.name == key), 0.0)
        why = (f"{key} = {step.core_values[key]:g} keeps it out: this pair measures {measure:g}; give "
               f"--param {key}=0 to let it through" if key else "it skips it")
        print(f"recipe '{recipe.name}' {recipe.version} makes no record for this pair ({why})")
        return 0
    for row in table.to_pylist():
        print(json.dumps(row, ensure_ascii=False, indent=2))
    return 0
