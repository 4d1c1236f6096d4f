"""The per-batch work of a build, run inline or in worker processes with identical results.

Pass 1 turns raw pairs into annotated pairs (normalise, annotate). Pass 2 turns kept pairs into
record tables per (config, split) (recipes, schema). Each worker process builds its own
normaliser (one OpenCC converter per process), annotator and recipe steps once, in `_init`.
Results come back in submission order, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.pool import AsyncResult
from typing import TypeVar

import pyarrow as pa

from builder.annotate import Annotator
from builder.apply import Step, apply_recipes
from builder.dedup import DedupSettings, pair_features
from builder.dedupkey import SideFeatures
from builder.errors import RecipeError
from builder.export import records_to_table
from builder.ingest import RawPair
from builder.normalize import Normalizer
from builder.spool import dump_pairs, load_pairs
from builder.style_stats import StyleStats
from builder.timing import Timings
from builder.types import Pair, Record, SetAside, Source

__all__ = ["Pass1Result", "Pass2Result", "Workers", "annotate_batch", "records_batch"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _State:
    normalizer: Normalizer
    annotator: Annotator
    steps: Sequence[Step]
    skip_errors: bool
    dedup: DedupSettings


_STATE: _State | None = None


def _init(state: _State) -> None:
    global _STATE
    _STATE = state


@dataclass
class Pass1Result:
    """One batch after normalise and annotate, in the form the main process needs.

    The pairs come back pickled for the spool (the main process only copies the bytes), with
    their ids, the file each came from, and their dedup features.
    """

    count: int
    pickled: bytes
    ids: list[str]
    files: list[int]
    converted: list[int]  # file index of each pair converted from Simplified
    features: tuple[SideFeatures, SideFeatures] | None
    refused: list[tuple[int, SetAside]]
    warnings: list[tuple[Source, str]]
    warning_count: int
    timings: Timings


def annotate_batch(batch: Sequence[tuple[int, RawPair]]) -> Pass1Result:
    """Normalise and annotate one batch of raw pairs (`(file index, raw pair)`)."""
    assert _STATE is not None, "worker state not initialised"
    timings = Timings()
    normalizer = _STATE.normalizer
    warnings_before, count_before = len(normalizer.warnings), normalizer.warning_count
    pairs: list[tuple[int, Pair]] = []
    refused: list[tuple[int, SetAside]] = []
    with timings.stage("normalise"):
        for file_index, raw in batch:
            result = normalizer(raw)
            if isinstance(result, SetAside):
                refused.append((file_index, result))
            else:
                pairs.append((file_index, result))
    with timings.stage("annotate"):
        styles = _STATE.annotator.annotate([p.zh for _, p in pairs])
        pairs = [(i, replace(p, style=s)) for (i, p), s in zip(pairs, styles)]
    warnings = normalizer.warnings[warnings_before:]
    del normalizer.warnings[warnings_before:]  # each batch hands its own warnings back
    warning_count = normalizer.warning_count - count_before
    plain = [p for _, p in pairs]
    with timings.stage("dedup"):
        features = pair_features([p.en for p in plain], [p.zh for p in plain], _STATE.dedup) \
            if plain else None
    with timings.stage("spool"):
        pickled = dump_pairs(plain)
    return Pass1Result(
        count=len(plain), pickled=pickled, ids=[p.id for p in plain], files=[i for i, _ in pairs],
        converted=[i for i, p in pairs if p.converted_simplified], features=features,
        refused=refused, warnings=warnings, warning_count=warning_count, timings=timings,
    )


@dataclass
class Pass2Result:
    """Record tables of one batch per (config, split), and what the report and card need."""

    tables: dict[tuple[str, str], pa.Table]
    records_per_pair: list[tuple[int, int]]  # (pair index, records made)
    texts: list[tuple[str, str, str]]  # (split, en, zh) per pair that made records, for the leak check
    style: StyleStats
    timings: Timings
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (pair index, kind, message)


def records_batch(job: tuple[int, bytes, Sequence[bool], Sequence[str]]) -> Pass2Result:
    """Run the recipes on the kept pairs of one (pickled) spool batch and build their tables."""
    assert _STATE is not None, "worker state not initialised"
    start, pickled, keep, splits = job
    started = time.perf_counter()
    pairs = load_pairs(pickled)
    ordered: list[Record] = []
    groups: dict[tuple[str, str], list[int]] = {}
    made: list[tuple[int, int]] = []
    texts: list[tuple[str, str, str]] = []
    failed: list[tuple[int, str, str]] = []
    style = StyleStats()
    for offset, pair in enumerate(pairs):
        if not keep[offset]:
            continue
        try:
            records = apply_recipes(pair, _STATE.steps)
        except RecipeError as error:
            if not _STATE.skip_errors:
                raise
            cause = type(error.__cause__).__name__ if error.__cause__ else "malformed_example"
            failed.append((start + offset, cause, str(error)))
            continue
        split = splits[offset]
        if pair.style is not None:
            style.add(pair.style, split)
        made.append((start + offset, len(records)))
        if records:
            texts.append((split, pair.en, pair.zh))
        for record in records:
            groups.setdefault((record.recipe, split), []).append(len(ordered))
            ordered.append(record)
    timings = Timings(recipes=time.perf_counter() - started)
    # One table for the whole batch (pair columns built once), then cut per (config, split).
    with timings.stage("export"):
        table = records_to_table(ordered) if ordered else None
        tables = {key: table.take(pa.array(rows, pa.int64())) for key, rows in groups.items()} if table else {}
    return Pass2Result(tables, made, texts, style, timings, failed)


class Workers:
    """Map a batch function over batches in order, inline or in a pool of processes."""

    def __init__(self, count: int, normalizer: Normalizer, annotator: Annotator,
                 steps: Sequence[Step], skip_errors: bool, dedup: DedupSettings) -> None:
        state = _State(normalizer, annotator, steps, skip_errors, dedup)
        self.count = count if count > 0 else (os.cpu_count() or 1)
        self._pool = None
        _init(state)
        if self.count > 1:
            # fork: workers inherit loaded recipes (plugins, files) without re-importing them
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.count, initializer=_init, initargs=(state,))

    def map(self, function: Callable[[T], R], jobs: Iterable[T]) -> Iterator[R]:
        """Yield `function(job)` in job order, with at most a few batches in flight (bounded memory)."""
        if self._pool is None:
            yield from map(function, jobs)
            return
        pending: deque[AsyncResult[R]] = deque()
        for job in jobs:
            pending.append(self._pool.apply_async(function, (job,)))
            if len(pending) >= 2 * self.count:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

