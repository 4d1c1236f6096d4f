"""The second pass: the kept pairs of one spooled batch -> record tables per (config, split), the
style counts of the pairs and the integers the leak check needs of the written records
(`records_batch`, in the workers).

A pair that any recipe fails on (with skip_errors) makes no record at all. What crosses back to
the main process is kept small: the worker reads its batch from the spool itself, and its tables
go back as Arrow files (`Parcel`) when it runs in another process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from builder.annotate.style_stats import StyleStats
from builder.contract.apply import Step
from builder.contract.batch import PairBatch
from builder.contract.params import CORE_KEYS
from builder.dedup.clusters import load_features
from builder.dedup.leaks import LeakBatch, RecordTexts, leak_batch
from builder.engine.batch import Batch
from builder.engine.cache import CacheEvents, digest
from builder.engine.counters import Counters
from builder.engine.parcel import Parcel
from builder.engine.spool import read_slice
from builder.engine.timing import Timings
from builder.output.records import PAIR_COLUMNS, with_pairs
from builder.pipeline.context import PassContext
from builder.pipeline.recipe_tables import OFFSET, Failures, cached_recipe_table
from builder.types import Source

__all__ = ["PAIR_COUNTS", "Failure", "Pass2Job", "Pass2Result", "records_batch"]

Tables = dict[tuple[str, str], pa.Table]  # (config, split) -> records

# Per recipe, every pair that reached the recipes (kept by dedup, failed by none) is one of:
# with records of it, kept out by one of the core's keys (the first that refuses it), or without.
PAIR_COUNTS = ("pairs_with_records", *(f"pairs_below_{key.name}" for key in CORE_KEYS), "pairs_without_records")


@dataclass
class Pass2Job:
    """One spooled batch for pass 2, with which of its pairs dedup kept and each pair's split."""

    batch: Batch
    keep: np.ndarray
    splits: Sequence[str]
    parcels: str | None = None  # a folder: hand the tables back in files, not through the pipe
    split_names: tuple[str, ...] = ()  # the build's splits, in the leak check's numbering


@dataclass(frozen=True, slots=True)
class Failure:
    """A pair a recipe failed on, set aside with skip_errors."""

    source: Source
    kind: str  # the exception's type, or malformed_example
    message: str


@dataclass
class Pass2Result:
    """Record tables of one batch per (config, split), and what the report and card need."""

    packed: Tables | Parcel
    records: int  # records written from the batch, every recipe together
    leak: LeakBatch  # the written records' texts as integers, for the leak check
    style: StyleStats
    timings: Timings
    counters: Counters  # per recipe: PAIR_COUNTS
    failed: list[Failure] = field(default_factory=list)
    cache: CacheEvents | None = None  # records cache hits, misses and warnings in the worker

    def take_tables(self) -> Tables:
        """The record tables per (config, split), read back from the parcel files if there are
        any. Call it once: each parcel file is removed as it is read."""
        return self.packed.unpack() if isinstance(self.packed, Parcel) else self.packed


def records_batch(context: PassContext, job: Pass2Job) -> Pass2Result:
    """Run the recipes on the kept pairs of one spooled batch and build their tables.

    Each recipe's records of the batch are one table, cached under the batch, the recipe and the
    pairs dedup kept.
    """
    timings = Timings()
    with timings.stage("spool"):
        batch = PairBatch(read_slice(job.batch.pairs))
    kept = np.flatnonzero(job.keep)
    measures: dict[str, np.ndarray] = {}  # each core key's measure of every pair, made once for all steps
    recipe_tables, failures = _recipe_tables(context, job, batch, kept, timings, measures)
    failed = np.zeros(len(batch), dtype=bool)
    failed[list(failures)] = True
    with timings.stage("export"):
        made = np.zeros(len(batch), dtype=np.int64)
        tables = _split_tables(context.steps, recipe_tables, batch, failed, job.splits, made)
        counters = _count_pairs(context.steps, recipe_tables, batch, kept, failed, measures)
    style = StyleStats()
    annotated = batch.column("annotated").to_numpy(zero_copy_only=False)
    style.add_table(batch.batch, job.splits, kept[~failed[kept] & annotated[kept]])
    with timings.stage("leak_check"):
        leak = _leak_batch(context, job, batch, recipe_tables, failed)
    with timings.stage("export"):
        packed = Parcel.pack(tables, job.parcels) if job.parcels and tables else tables
    return Pass2Result(
        packed=packed, records=int(made.sum()), leak=leak,
        style=style, timings=timings, counters=counters,
        failed=[Failure(_source(batch, o), kind, message) for o, (kind, message) in sorted(failures.items())],
        cache=context.cache.take_events() if context.cache.enabled else None,
    )


def _source(pairs: PairBatch, offset: int) -> Source:
    """Where the pair at `offset` was read."""
    return Source(pairs.column("source_file")[offset].as_py(), pairs.column("source_en_line")[offset].as_py(),
                  pairs.column("source_zh_line")[offset].as_py())


def _leak_batch(context: PassContext, job: Pass2Job, pairs: PairBatch, recipe_tables: Sequence[pa.Table],
                failed: np.ndarray) -> LeakBatch:
    """The written records (those of pairs no recipe failed on) as the leak check's integers."""
    texts = []
    for index, table in enumerate(recipe_tables):
        offsets = table.column(OFFSET).to_numpy()
        written = ~failed[offsets]
        mask = pa.array(written)
        texts.append(RecordTexts(index, offsets[written], table.column("input").combine_chunks().filter(mask),
                                 table.column("output").combine_chunks().filter(mask)))
    number = {name: i for i, name in enumerate(job.split_names or sorted(set(job.splits)))}
    split_of_pair = np.array([number[s] for s in job.splits], dtype=np.uint8)
    return leak_batch(texts, job.batch.start, pairs.en, pairs.zh, split_of_pair, load_features(job.batch.features),
                      context.dedup, pairs.plain)


def _recipe_tables(context: PassContext, job: Pass2Job, pairs: PairBatch, kept: np.ndarray,
                   timings: Timings, measures: dict[str, np.ndarray]) -> tuple[list[pa.Table], Failures]:
    """Every recipe's table for the batch (in config order), and the failures: for each failed
    pair the first recipe (in config order) that failed on it."""
    keep_key = hashlib.sha256(np.packbits(np.asarray(job.keep, dtype=bool)).tobytes()).hexdigest()
    failures: Failures = {}
    tables = []
    for step, step_key in zip(context.steps, context.step_keys):
        key = digest(job.batch.key, step_key, keep_key) if context.cache.enabled and job.batch.key else None
        table, failed = cached_recipe_table(pairs, kept, step, key, context.cache,
                                            context.skip_errors, timings, measures)
        for offset, failure in failed.items():
            failures.setdefault(offset, failure)
        tables.append(table)
    return tables, failures


def _split_tables(steps: Sequence[Step], recipe_tables: Sequence[pa.Table], pairs: PairBatch,
                  failed: np.ndarray, splits: Sequence[str], made: np.ndarray) -> Tables:
    """Each recipe's records of the pairs no recipe failed on, joined with their pairs' columns,
    per split; count each pair's records in `made`."""
    names = sorted(set(splits))
    split_code = np.array([names.index(s) for s in splits], dtype=np.int16) if len(splits) else \
        np.zeros(0, dtype=np.int16)
    by_pair = pa.Table.from_batches([pairs.batch.select(list(PAIR_COLUMNS))]) \
        if any(t.num_rows for t in recipe_tables) else None
    tables: Tables = {}
    for step, table in zip(steps, recipe_tables):
        offsets = table.column(OFFSET).to_numpy()
        written = ~failed[offsets]
        np.add.at(made, offsets[written], 1)
        table = table.drop_columns([OFFSET])
        for code, split in enumerate(names):
            rows = np.flatnonzero(written & (split_code[offsets] == code))
            if rows.size:
                assert by_pair is not None
                tables[(step.recipe.name, split)] = with_pairs(table.take(rows), by_pair, offsets[rows])
    return tables


def _count_pairs(steps: Sequence[Step], recipe_tables: Sequence[pa.Table], pairs: PairBatch,
                 kept: np.ndarray, failed: np.ndarray, measures: dict[str, np.ndarray]) -> Counters:
    """Per recipe, sort the pairs that reached every recipe and failed none: they made records of
    it, its filters kept them out (counted under the first key that refused them), or it made
    nothing of them. The whole batch at once: no Python work per pair."""
    counters = Counters()
    reached = np.zeros(len(pairs), dtype=bool)
    reached[kept] = True
    reached &= ~failed
    for step, table in zip(steps, recipe_tables):
        name = step.recipe.name
        refused = step.refused(pairs, measures)
        for index, (key, _) in enumerate(step.filters, start=1):
            counters.add(name, f"pairs_below_{key.name}", int(np.count_nonzero(reached & (refused == index))))
        given = reached & (refused == 0)
        silent = given.copy()
        silent[table.column(OFFSET).to_numpy()] = False
        counters.add(name, "pairs_with_records", int(given.sum()) - int(silent.sum()))
        counters.add(name, "pairs_without_records", int(silent.sum()))
    return counters
