"""`check_recipe`'s side of the batched form: run it on the pairs as one batch, by the build's own
recipe stage, and check what only a batched form can get wrong (the `extra` text it writes).

PYTEST_DONT_REWRITE: like `builder.testing`, the checks raise AssertionError themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa

from builder.contract.apply import Step
from builder.contract.batch import PairBatch
from builder.contract.netguard import NetworkGuard
from builder.contract.recipe import Recipe
from builder.engine.timing import Timings
from builder.errors import RecipeError
from builder.output.records import PAIR_COLUMNS, with_pairs
from builder.pipeline.recipe_tables import OFFSET, recipe_table
from builder.types import Pair

__all__ = ["FORMS", "check_extras", "forms_of", "run_batched"]

FORMS = ("per-pair", "batched")


def forms_of(recipe: Recipe) -> dict[str, Recipe]:
    """The forms a recipe offers, each as a recipe that has only that form."""
    forms = {}
    if recipe.function is not None:
        forms["per-pair"] = replace(recipe, batch=None)
    if recipe.batch is not None:
        forms["batched"] = replace(recipe, function=None)
    return forms


def run_batched(recipe: Recipe, pairs: Sequence[Pair], params: Mapping[str, Any],
                order: Sequence[int]) -> dict[int, pa.Table]:
    """Run a recipe's batched form on the pairs (in `order`) as one batch, through the build's recipe
    stage; each pair's records, by its index in `pairs`. Any problem is an AssertionError."""
    ordered = [pairs[index] for index in order]
    batch = PairBatch.of(ordered)
    name = f"recipe '{recipe.name}' {recipe.version} (batched form)"
    guard = NetworkGuard()
    with guard.active():
        try:
            table, _ = recipe_table(batch, np.arange(len(ordered)), Step(recipe, dict(params)), False, Timings())
        except RecipeError as error:
            if not guard.attempts:
                raise AssertionError(f"check_recipe: {error}") from error
        except (TypeError, ValueError, pa.ArrowException) as error:
            if not guard.attempts:
                raise AssertionError(f"check_recipe: {name}: records do not convert to the dataset schema: "
                                     f"{type(error).__name__}: {error}") from error
    if guard.attempts:
        raise AssertionError(f"check_recipe: {name}: tried to reach the network: {guard.attempts[0]}")
    offsets = table.column(OFFSET).to_numpy()
    by_pair = pa.Table.from_batches([batch.batch.select(list(PAIR_COLUMNS))])
    records = with_pairs(table.drop_columns([OFFSET]), by_pair, offsets)
    return {index: records.take(pa.array(np.flatnonzero(offsets == position)))
            for position, index in enumerate(order)}


def check_extras(recipe: Recipe, pairs: Sequence[Pair], results: Mapping[int, pa.Table]) -> None:
    """Each `extra` a batched form wrote must be the text the per-pair form's dict is stored as
    (sorted keys, no ASCII escapes), so both forms, and every build, store one text per value."""
    for index, table in results.items():
        for text in table.column("extra").to_pylist():
            stored = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
            if stored != text:
                raise AssertionError(
                    f"check_recipe: recipe '{recipe.name}' {recipe.version} (batched form) on pair "
                    f"{pairs[index].source}: extra {text!r} is not in its stored form {stored!r} (write it with "
                    "json.dumps(value, ensure_ascii=False, sort_keys=True))")
