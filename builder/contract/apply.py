"""Pair -> records through the selected recipes: a `Step` is a recipe with its parameters and the
core's filters, as a build runs it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from builder.contract.batch import PairBatch
from builder.contract.params import CORE_KEYS, CoreKey, check_core
from builder.contract.recipe import Recipe
from builder.types import Example, Pair, Record

__all__ = ["Step", "apply_recipes", "apply_step", "record_id", "run_step"]


@dataclass(frozen=True)
class Step:
    """A recipe as the build runs it: the recipe, its parameters as the config gives them, and the
    values of the core's keys (`CORE_KEYS`: filters on the pairs it gets)."""

    recipe: Recipe
    params: Mapping[str, Any] = field(default_factory=dict)
    core: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def frozen_params(self) -> Mapping[str, Any]:
        """Every declared parameter (defaults filled in), as the read-only mapping recipes get
        (made once, not per pair)."""
        return MappingProxyType(self.recipe.resolve_params(self.params))

    @cached_property
    def core_values(self) -> dict[str, Any]:
        """The value of every core key for this recipe, defaults included."""
        return check_core(self.recipe.name, self.core, defaults=self.recipe.core_defaults)

    @cached_property
    def filters(self) -> tuple[tuple[CoreKey, Any], ...]:
        """The core keys that are set away from their default: the filters that apply."""
        return tuple((key, self.core_values[key.name]) for key in CORE_KEYS
                     if self.core_values[key.name] != key.default)

    def kept_out_by(self, pair: Pair) -> str | None:
        """The name of the first core key that keeps this pair from the recipe, or None."""
        for key, value in self.filters:
            if not key.admits(pair, value):
                return key.name
        return None

    def wants(self, pair: Pair) -> bool:
        """Whether the config's filters let this pair reach the recipe."""
        return not self.filters or self.kept_out_by(pair) is None

    def refused(self, pairs: Sequence[Pair] | PairBatch, measures: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """For a batch of pairs at once: 0 where a pair reaches the recipe, else 1 + the index (in
        `filters`) of the first key that keeps it out. `measures` caches each key's measures of
        these pairs across the steps of a batch."""
        measures = {} if measures is None else measures
        out = np.zeros(len(pairs), dtype=np.int8)
        for index in reversed(range(len(self.filters))):  # the first refusing key is written last
            key, value = self.filters[index]
            if key.name not in measures:
                measures[key.name] = key.measures(pairs)
            out[measures[key.name] < value] = index + 1
        return out


def run_step(pair: Pair, step: Step) -> list[tuple[Example, str]]:
    """Run one recipe on one pair: its examples, checked, each with its extra fields as JSON.

    A recipe that raises or yields a malformed example raises RecipeError naming the recipe,
    its version and the pair's file and line.
    """
    if not step.wants(pair):
        return []
    return step.recipe.checked(pair, step.frozen_params)


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
