"""The recipe stage: one recipe over the kept pairs of a batch -> its records as one Arrow table.

The table holds the record-side columns (`RECORD_COLUMNS`) and, in `OFFSET`, the offset in the
batch of each row's pair; the pair-side columns are joined later, once per split. The build and
`builder.testing.check_recipe` both make records here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from builder.contract.apply import Step, record_id
from builder.engine.cache import BuildCache
from builder.engine.timing import Timings
from builder.errors import RecipeError
from builder.output.records import examples_table, pairs_table, with_pairs
from builder.types import Example, Pair

__all__ = ["OFFSET", "Failures", "cached_recipe_table", "recipe_records", "recipe_table"]

OFFSET = "__pair_offset"
Failures = dict[int, tuple[str, str]]  # pair offset in the batch -> (kind, message)


def recipe_table(pairs: Sequence[Pair], kept: Sequence[int], step: Step, skip_errors: bool,
                 timings: Timings, measures: dict[str, np.ndarray] | None = None) -> tuple[pa.Table, Failures]:
    """Run one recipe over the kept pairs of a batch that its core keys let through (`Step.refused`,
    the whole batch at once; `measures` is shared by the steps of a batch): its records' table, and
    the pairs it failed on when errors are skipped (else the first failure raises RecipeError)."""
    name, version = step.recipe.name, step.recipe.version
    if step.filters:
        refused = step.refused(pairs, measures)
        kept = [offset for offset in kept if not refused[offset]]
    ids: list[str] = []
    examples: list[Example] = []
    extras: list[str] = []
    offsets: list[int] = []
    failed: Failures = {}
    started = time.perf_counter()
    for offset in kept:
        pair = pairs[offset]
        try:
            made = step.recipe.checked(pair, step.frozen_params)
        except RecipeError as error:
            if not skip_errors:
                raise
            failed[offset] = (type(error.__cause__).__name__ if error.__cause__
                              else "malformed_example", str(error))
            continue
        for index, (example, extra) in enumerate(made):
            ids.append(record_id(name, pair.id, index))
            examples.append(example)
            extras.append(extra)
            offsets.append(offset)
    timings.add("recipes", time.perf_counter() - started)
    with timings.stage("export"):
        table = examples_table(name, version, ids, examples, extras)
        return table.append_column(OFFSET, pa.array(offsets, pa.int32())), failed


def cached_recipe_table(pairs: Sequence[Pair], kept: Sequence[int], step: Step, key: str | None,
                        cache: BuildCache, skip_errors: bool, timings: Timings,
                        measures: dict[str, np.ndarray] | None = None) -> tuple[pa.Table, Failures]:
    """`recipe_table` through the records cache (the failures travel in the table's metadata)."""
    if key is not None:
        with timings.stage("cache"):
            table = cache.load_records(key)
        if table is not None:
            failed = json.loads((table.schema.metadata or {}).get(b"failed", b"[]"))
            # Failures were skipped when the entry was made; without skip_errors they must stop
            # the build, so recompute (and raise) rather than serve them.
            if not failed or skip_errors:
                return table.replace_schema_metadata(None), {
                    int(o): (kind, message) for o, kind, message in failed}
    table, failures = recipe_table(pairs, kept, step, skip_errors, timings, measures)
    if key is not None:
        meta = json.dumps([[o, kind, message] for o, (kind, message) in sorted(failures.items())])
        with timings.stage("cache"):
            cache.store_records(key, table.replace_schema_metadata({"failed": meta}))
    return table, failures


def recipe_records(pairs: Sequence[Pair], step: Step) -> pa.Table:
    """Every record one recipe makes of `pairs`, in the dataset schema, by the build's own path:
    the recipe stage, then the join with the pairs' columns. The first failure raises RecipeError."""
    table, _ = recipe_table(pairs, range(len(pairs)), step, skip_errors=False, timings=Timings())
    offsets = table.column(OFFSET).to_numpy()
    return with_pairs(table.drop_columns([OFFSET]), pairs_table(pairs), offsets)
