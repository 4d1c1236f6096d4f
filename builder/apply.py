"""Pair -> Records through the selected recipes, checking every example a recipe yields."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from builder.errors import RecipeError
from builder.registry import Recipe, RecipeContext
from builder.text.script import looks_simplified
from builder.types import Example, Pair, Record

__all__ = ["Step", "apply_recipes", "apply_step", "check_example", "extra_json", "record_id", "run_step"]


@dataclass(frozen=True)
class Step:
    """A recipe as the build runs it: the recipe, its parameters and core-side filters."""

    recipe: Recipe
    params: Mapping[str, Any] = field(default_factory=dict)
    min_particles: int = 0

    @cached_property
    def frozen_params(self) -> Mapping[str, Any]:
        """The parameters as the read-only mapping recipes get (made once, not per pair)."""
        return MappingProxyType(dict(self.params))

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


def check_example(example: object, recipe: Recipe, known: tuple[str, ...] = ()) -> str | None:
    """Return why an example is malformed, or None if it is fine.

    `known` holds texts already known to be Traditional or English (the pair's own lines), whose
    script check can be skipped: this runs for every record of a build.
    """
    return _checked(example, recipe, known)[0]


def _checked(example: object, recipe: Recipe, known: tuple[str, ...]) -> tuple[str | None, str]:
    """(why the example is malformed or None, its extra fields as JSON)."""
    problem = _problem(example, recipe, known)
    if problem is not None:
        return problem, ""
    assert isinstance(example, Example)
    try:
        return None, extra_json(example)
    except (TypeError, ValueError) as error:
        return f"extra is not JSON-serialisable: {error}", ""


_MAPPINGS = (dict, MappingProxyType)  # checked by type first: isinstance against an ABC is slow


def _blank(text: str) -> bool:
    return not text or text.isspace()  # `not text.strip()` without making a copy


def _problem(example: object, recipe: Recipe, known: tuple[str, ...]) -> str | None:
    if type(example) is not Example and not isinstance(example, Example):
        return f"yielded {type(example).__name__}, not Example"
    texts = (example.instruction, example.input, example.output)
    for name, value in zip(("instruction", "input", "output"), texts):
        if type(value) is not str and not isinstance(value, str):
            return f"{name} is {type(value).__name__}, not str"
    if _blank(example.instruction):
        return "empty instruction (user turn)"
    if _blank(example.output):
        return "empty output (assistant turn)"
    if type(example.synthetic) is not bool:
        return "synthetic must be a bool"
    extra = example.extra
    if type(extra) not in _MAPPINGS and not isinstance(extra, Mapping):
        return "extra must be a mapping"
    if extra and not extra.keys() <= recipe.field_set:
        unknown = sorted(set(extra) - recipe.field_set)
        return f"extra fields {unknown} are not declared in @recipe(fields=...)"
    for name, value in zip(("instruction", "input", "output"), texts):
        if value not in known and _simplified(value):
            return f"{name} is in Simplified script (zh-TW needs Traditional)"
    return None


_SCRIPT_SEEN: dict[str, bool] = {}


def _simplified(text: str) -> bool:
    """`looks_simplified`, remembered for repeated texts such as prompt templates (bounded)."""
    seen = _SCRIPT_SEEN.get(text)
    if seen is None:
        seen = looks_simplified(text)
        if len(text) < 200 and len(_SCRIPT_SEEN) < 4096:
            _SCRIPT_SEEN[text] = seen
    return seen


def run_step(pair: Pair, step: Step) -> list[tuple[Example, str]]:
    """Run one recipe on one pair: its examples, checked, each with its extra fields as JSON.

    A recipe that raises or yields a malformed example raises RecipeError naming the recipe,
    its version and the pair's file and line.
    """
    if not step.wants(pair):
        return []
    recipe = step.recipe
    try:
        examples = list(recipe(pair, RecipeContext(recipe.name, pair, step.frozen_params)))
    except Exception as error:
        message = " ".join(str(error).split())  # one line, whatever the recipe raised
        raise RecipeError(f"{_where(recipe, pair)}: {type(error).__name__}: {message}") from error
    known = (pair.en, pair.zh)
    checked = []
    for example in examples:
        problem, extra = _checked(example, recipe, known)
        if problem:
            raise RecipeError(f"{_where(recipe, pair)}: malformed example: {problem}")
        checked.append((example, extra))
    return checked


def _where(recipe: Recipe, pair: Pair) -> str:
    return f"recipe '{recipe.name}' {recipe.version} failed on pair {pair.source}"


def apply_step(pair: Pair, step: Step) -> list[Record]:
    """Run one recipe on one pair; a recipe that raises or misbehaves raises RecipeError."""
    recipe = step.recipe
    return [Record(record_id(recipe.name, pair.id, index), recipe.name, recipe.version, pair,
                   example, extra)
            for index, (example, extra) in enumerate(run_step(pair, step))]


def record_id(recipe: str, pair_id: str, index: int) -> str:
    """The id of a recipe's `index`-th record of a pair: `recipe/pair_id/index`."""
    return f"{recipe}/{pair_id}/{index}"


def apply_recipes(pair: Pair, steps: Sequence[Step]) -> list[Record]:
    """Run every step on one pair, in order; the first failure raises RecipeError."""
    return [record for step in steps for record in apply_step(pair, step)]
