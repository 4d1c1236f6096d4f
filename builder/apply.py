"""Pair -> Records through the selected recipes, checking every example a recipe yields."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from builder.errors import RecipeError
from builder.normalize import looks_simplified
from builder.registry import Recipe, RecipeContext
from builder.types import Example, Pair, Record

__all__ = ["Step", "apply_recipes", "apply_step", "check_example", "extra_json"]


@dataclass(frozen=True)
class Step:
    """A recipe as the build runs it: the recipe, its parameters and core-side filters."""

    recipe: Recipe
    params: Mapping[str, Any] = field(default_factory=dict)
    min_particles: int = 0

    def wants(self, pair: Pair) -> bool:
        """Whether the config's filters let this pair reach the recipe."""
        if self.min_particles and (pair.style is None or pair.style.particle_count < self.min_particles):
            return False
        return True


# One encoder for every record: json.dumps with options builds a new encoder on each call.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False)


def extra_json(example: Example) -> str:
    """The example's extra fields as stored in the dataset's `extra` column."""
    return _JSON.encode(dict(example.extra)) if example.extra else "{}"


def check_example(example: object, recipe: Recipe) -> str | None:
    """Return why an example is malformed, or None if it is fine."""
    if not isinstance(example, Example):
        return f"yielded {type(example).__name__}, not Example"
    for name in ("instruction", "output", "input"):
        value = getattr(example, name)
        if not isinstance(value, str):
            return f"{name} is {type(value).__name__}, not str"
    if not example.instruction.strip():
        return "empty instruction (user turn)"
    if not example.output.strip():
        return "empty output (assistant turn)"
    if not isinstance(example.synthetic, bool):
        return "synthetic must be a bool"
    if not isinstance(example.extra, Mapping):
        return "extra must be a mapping"
    unknown = sorted(set(example.extra) - set(recipe.fields))
    if unknown:
        return f"extra fields {unknown} are not declared in @recipe(fields=...)"
    try:
        extra_json(example)
    except (TypeError, ValueError) as error:
        return f"extra is not JSON-serialisable: {error}"
    for name in ("instruction", "input", "output"):
        if looks_simplified(getattr(example, name)):
            return f"{name} is in Simplified script (zh-TW needs Traditional)"
    return None


def apply_step(pair: Pair, step: Step) -> list[Record]:
    """Run one recipe on one pair; a recipe that raises or misbehaves raises RecipeError."""
    if not step.wants(pair):
        return []
    recipe = step.recipe
    where = f"recipe '{recipe.name}' {recipe.version} failed on pair {pair.source}"
    try:
        examples = list(recipe(pair, RecipeContext(recipe.name, pair, step.params)))
    except Exception as error:
        message = " ".join(str(error).split())  # one line, whatever the recipe raised
        raise RecipeError(f"{where}: {type(error).__name__}: {message}") from error
    records = []
    for index, example in enumerate(examples):
        problem = check_example(example, recipe)
        if problem:
            raise RecipeError(f"{where}: malformed example: {problem}")
        records.append(Record(f"{recipe.name}/{pair.id}/{index}", recipe.name,
                              recipe.version, pair, example, extra_json(example)))
    return records


def apply_recipes(pair: Pair, steps: Sequence[Step]) -> list[Record]:
    """Run every step on one pair, in order; the first failure raises RecipeError."""
    return [record for step in steps for record in apply_step(pair, step)]
