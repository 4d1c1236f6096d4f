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
import pyarrow.compute as pc

from builder.contract.apply import Step
from builder.contract.batch import PairBatch
from builder.contract.batch_checks import Made
from builder.contract.batch_run import Failures, run_on_batch
from builder.engine.cache import BuildCache
from builder.engine.timing import Timings
from builder.output.records import PAIR_COLUMNS, RECORD_COLUMNS, chat_column, record_table, repeated, with_pairs
from builder.types import Pair

__all__ = ["OFFSET", "Failures", "cached_recipe_table", "example_numbers", "recipe_records", "recipe_table"]

OFFSET = "__pair_offset"


def recipe_table(pairs: PairBatch, kept: Sequence[int] | np.ndarray, step: Step, skip_errors: bool,
                 timings: Timings, measures: dict[str, np.ndarray] | None = None) -> tuple[pa.Table, Failures]:
    """Run one recipe over the kept pairs of a batch that its core keys let through (`Step.refused`,
    the whole batch at once; `measures` is shared by the steps of a batch): its records' table, and
    the pairs it failed on when errors are skipped (else the first failure raises RecipeError)."""
    rows = np.asarray(kept, dtype=np.int64)
    if step.filters:
        rows = rows[step.refused(pairs, measures)[rows] == 0]
    started = time.perf_counter()
    made, failed = run_on_batch(step, pairs, rows, skip_errors)
    timings.add("recipes", time.perf_counter() - started)
    with timings.stage("export"):
        table = _records(step, pairs, made)
        return table.append_column(OFFSET, pa.array(made.rows.astype(np.int32))), failed


def example_numbers(rows: np.ndarray) -> np.ndarray:
    """The number of each example among its pair's (rows in batch order, a pair's together)."""
    if not rows.size:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, rows[1:] != rows[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(rows.size), 0))
    return np.arange(rows.size) - first


def _records(step: Step, pairs: PairBatch, made: Made) -> pa.Table:
    """The record-side columns of one recipe's examples, with Arrow compute: ids are
    `recipe/pair_id/number`."""
    name, version, count = step.recipe.name, step.recipe.version, len(made)
    numbers = pc.cast(pa.array(example_numbers(made.rows)), pa.string())
    ids = pc.binary_join_element_wise(name, pairs.id.take(pa.array(made.rows)), numbers, "/")
    return record_table(ids, repeated(name, count), repeated(version, count), made.instruction, made.input,
                        made.output, made.synthetic, made.extra)


def cached_recipe_table(pairs: PairBatch, kept: Sequence[int] | np.ndarray, step: Step, key: str | None,
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
                return _with_messages(table.replace_schema_metadata(None)), {
                    int(o): (kind, message) for o, kind, message in failed}
    table, failures = recipe_table(pairs, kept, step, skip_errors, timings, measures)
    if key is not None:
        meta = json.dumps([[o, kind, message] for o, (kind, message) in sorted(failures.items())])
        with timings.stage("cache"):
            cache.store_records(key, table.drop_columns([_MESSAGES]).replace_schema_metadata({"failed": meta}))
    return table, failures


_MESSAGES = "messages"  # the chat column repeats instruction, input and output: not cached, made again


def _with_messages(table: pa.Table) -> pa.Table:
    """A cached record table with its chat column made again, in its place."""
    messages = chat_column(*(table.column(name).combine_chunks() for name in ("instruction", "input", "output")))
    return table.add_column(RECORD_COLUMNS.index(_MESSAGES), _MESSAGES, messages)


def recipe_records(pairs: Sequence[Pair], step: Step) -> pa.Table:
    """Every record one recipe makes of `pairs`, in the dataset schema, by the build's own path:
    the recipe stage, then the join with the pairs' columns. The first failure raises RecipeError."""
    batch = PairBatch.of(pairs)
    table, _ = recipe_table(batch, np.arange(len(pairs)), step, skip_errors=False, timings=Timings())
    offsets = table.column(OFFSET).to_numpy()
    by_pair = pa.Table.from_batches([batch.batch.select(list(PAIR_COLUMNS))])
    return with_pairs(table.drop_columns([OFFSET]), by_pair, offsets)
