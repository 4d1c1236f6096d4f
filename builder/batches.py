"""The per-batch work of a build, run inline or in worker processes with identical results.

Pass 1 turns raw pairs into annotated pairs (normalise, annotate, dedup features). Pass 2 turns
kept pairs into record tables per (config, split) (recipes, schema). Each worker process builds
its own normaliser (one OpenCC converter per process), annotator and recipe steps once, in
`_init`. Results come back in submission order, so the output does not depend on the number of
workers.

What crosses between processes is kept small: a pass-2 worker reads its batch of pairs from the
spool file itself (the job says where), and hands its record tables back as Arrow files that the
main process memory-maps (`_Parcel`), not as pickles through the pool's pipe.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import signal
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pyarrow as pa

from builder.annotate import Annotator
from builder.annotate.style_stats import StyleStats
from builder.apply import Step, record_id, run_step
from builder.cache import BuildCache, digest
from builder.dedup.fold import SideFeatures, pair_features, select_lines
from builder.dedup.settings import DedupSettings
from builder.errors import BuildError, RecipeError
from builder.output.records import SCHEMA, examples_table, pairs_table, with_pairs
from builder.spool import dump_pairs, read_batch
from builder.text.normalize import Normalizer
from builder.timing import Timings
from builder.types import Example, Pair, RawPair, SetAside, Source

__all__ = ["Pass1Result", "Pass2Job", "Pass2Result", "Workers", "annotate_batch", "paused_gc",
           "records_batch"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _State:
    normalizer: Normalizer
    annotator: Annotator
    steps: Sequence[Step]
    skip_errors: bool
    dedup: DedupSettings
    cache: BuildCache
    step_keys: Sequence[str]


_STATE: _State | None = None


def _init(state: _State) -> None:
    global _STATE
    _STATE = state


def _init_worker(state: _State) -> None:
    """Set up a worker process: its state, and the default signal handling of a helper.

    A forked worker inherits the main process's handlers (the staged output's SIGTERM cleanup);
    the main process alone cleans up, so a worker just ends on SIGTERM, and leaves Ctrl-C to
    the main process, which then stops the pool.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init(state)


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


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch (or the passes of a build).

    A batch makes hundreds of thousands of short-lived objects (pairs, spans, examples) and no
    reference cycles, so reference counting frees all of them; the collections their allocation
    count would trigger only re-scan live objects: about a quarter of a batch's time, and 4 of
    74 s in the main process of a 1M build. The collector runs again as usual afterwards (and
    then collects any cycle made meanwhile).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def annotate_batch(batch: Sequence[tuple[int, RawPair]]) -> Pass1Result:
    """Normalise and annotate one batch of raw pairs (`(file index, raw pair)`)."""
    with paused_gc():
        return _annotate_batch(batch)


def _annotate_batch(batch: Sequence[tuple[int, RawPair]]) -> Pass1Result:
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
        pairs = [(i, p.with_style(s)) for (i, p), s in zip(pairs, styles)]
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
class Pass2Job:
    """One spool batch for pass 2: where its pairs are, which dedup kept, and their splits."""

    start: int  # index of the batch's first pair in the build
    spool: str  # the spool file and the batch's bytes in it (the worker reads them itself)
    offset: int
    size: int
    keep: np.ndarray
    splits: Sequence[str]
    batch_key: str | None  # the batch's pass-1 cache key, when the records cache is on
    features: tuple[SideFeatures, SideFeatures] | None  # the batch's pass-1 dedup features
    parcels: str | None = None  # a folder: hand the tables back in a file, not through the pipe


@dataclass(frozen=True)
class _Parcel:
    """Record tables handed from a worker process to the main process in Arrow files.

    Pickling Arrow buffers through the pool's pipe costs both processes a copy and the main
    process's GIL; a file is written once and memory-mapped (the main process reads it in place
    and unlinks it at once). One file per table: the writer holds on to small splits' tables for
    long, and a mapping lives as long as any table read from it.
    """

    paths: tuple[tuple[tuple[str, str], str], ...]  # ((config, split), file)

    @classmethod
    def pack(cls, tables: dict[tuple[str, str], pa.Table], folder: str) -> _Parcel:
        stem = os.path.join(folder, f"{os.getpid()}-{uuid.uuid4().hex}")
        paths = []
        for number, (key, table) in enumerate(tables.items()):
            path = f"{stem}-{number}.arrow"
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, SCHEMA) as writer:
                writer.write_table(table)
            paths.append((key, path))
        return cls(tuple(paths))

    def unpack(self) -> dict[tuple[str, str], pa.Table]:
        tables = {}
        for key, path in self.paths:
            with pa.memory_map(path) as source:
                tables[key] = pa.ipc.open_file(source).read_all()  # buffers keep the mapping
            os.unlink(path)
        return tables


@dataclass
class Pass2Result:
    """Record tables of one batch per (config, split), and what the report and card need."""

    packed: dict[tuple[str, str], pa.Table] | _Parcel
    records_per_pair: list[tuple[int, int]]  # (pair index, records made)
    leak_splits: list[str]  # split of each pair that made records, for the leak check
    leak_features: tuple[SideFeatures, SideFeatures] | None  # their (en, zh) fingerprints
    style: StyleStats
    timings: Timings
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (pair index, kind, message)
    # recipe -> pairs (with records of it, below its min_particles, given to it without a record)
    recipe_pairs: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def take_tables(self) -> dict[tuple[str, str], pa.Table]:
        """The record tables per (config, split), read back from the parcel files if there are
        any. Call it once: each parcel file is removed as it is read."""
        return self.packed.unpack() if isinstance(self.packed, _Parcel) else self.packed


_OFFSET = "__pair_offset"


def _step_table(pairs: Sequence[Pair], kept: Sequence[int], step: Step, skip_errors: bool,
                timings: Timings) -> tuple[pa.Table, dict[int, tuple[str, str]]]:
    """One recipe over the kept pairs of a batch: its records' own columns (`RECORD_COLUMNS`,
    with each row's pair offset) and the pairs it failed on (offset -> (kind, message)) when
    errors are skipped. The pair-side columns are joined per split later."""
    name, version = step.recipe.name, step.recipe.version
    ids: list[str] = []
    examples: list[Example] = []
    extras: list[str] = []
    offsets: list[int] = []
    failed: dict[int, tuple[str, str]] = {}
    started = time.perf_counter()
    for offset in kept:
        pair = pairs[offset]
        try:
            made = run_step(pair, step)
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
        return table.append_column(_OFFSET, pa.array(offsets, pa.int32())), failed


def _cached_step_table(pairs: Sequence[Pair], kept: Sequence[int], step: Step, key: str | None,
                       state: _State, timings: Timings,
                       ) -> tuple[pa.Table, dict[int, tuple[str, str]]]:
    """`_step_table` through the records cache (the failures travel in the table's metadata)."""
    if key is not None:
        with timings.stage("cache"):
            table = state.cache.load_records(key)
        if table is not None:
            failed = json.loads((table.schema.metadata or {}).get(b"failed", b"[]"))
            # Failures were skipped when the entry was made; without skip_errors they must stop
            # the build, so recompute (and raise) rather than serve them.
            if not failed or state.skip_errors:
                return table.replace_schema_metadata(None), {
                    int(o): (kind, message) for o, kind, message in failed}
    table, failed = _step_table(pairs, kept, step, state.skip_errors, timings)
    if key is not None:
        meta = json.dumps([[o, kind, message] for o, (kind, message) in sorted(failed.items())])
        with timings.stage("cache"):
            state.cache.store_records(key, table.replace_schema_metadata({"failed": meta}))
    return table, failed


def records_batch(job: Pass2Job) -> Pass2Result:
    """Run the recipes on the kept pairs of one (pickled) spool batch and build their tables.

    Each recipe's records of the batch are one table, cached under the batch, the recipe and the
    pairs dedup kept. A pair that any recipe fails on (with skip_errors) makes no record at all.
    """
    with paused_gc():
        return _records_batch(job)


def _records_batch(job: Pass2Job) -> Pass2Result:
    state = _STATE
    assert state is not None, "worker state not initialised"
    start, keep, splits, batch_key, pass1_features = \
        job.start, job.keep, job.splits, job.batch_key, job.features
    timings = Timings()
    with timings.stage("spool"):
        pairs = read_batch(job.spool, job.offset, job.size)
    kept = np.flatnonzero(keep).tolist()
    keep_key = hashlib.sha256(np.packbits(np.asarray(keep, dtype=bool)).tobytes()).hexdigest()
    failed: dict[int, tuple[str, str]] = {}
    step_tables = []
    for step, step_key in zip(state.steps, state.step_keys):
        key = digest(batch_key, step_key, keep_key) if batch_key and state.cache.enabled else None
        table, step_failed = _cached_step_table(pairs, kept, step, key, state, timings)
        for offset, failure in step_failed.items():
            failed.setdefault(offset, failure)  # the first recipe (in config order) that failed
        step_tables.append((step.recipe.name, table))

    with timings.stage("export"):
        names = sorted(set(splits))
        code_of = np.array([names.index(s) for s in splits], dtype=np.int16) if len(splits) else \
            np.zeros(0, dtype=np.int16)
        bad = np.zeros(len(pairs), dtype=bool)
        bad[list(failed)] = True
        tables: dict[tuple[str, str], pa.Table] = {}
        made = np.zeros(len(pairs), dtype=np.int64)
        by_pair = pairs_table(pairs) if any(t.num_rows for _, t in step_tables) else None
        live = np.zeros(len(pairs), dtype=bool)
        live[kept] = True
        live &= ~bad  # the pairs that reached every recipe and failed none
        reached: dict[str, tuple[int, int, int]] = {}
        for step, (recipe_name, table) in zip(state.steps, step_tables):
            offsets = table.column(_OFFSET).to_numpy()
            good = ~bad[offsets]
            np.add.at(made, offsets[good], 1)
            below = np.zeros(len(pairs), dtype=bool)
            if step.min_particles:
                below[[o for o in kept if not step.wants(pairs[o])]] = True
            given = live & ~below
            quiet = given.copy()
            quiet[offsets] = False
            reached[recipe_name] = (int(given.sum()) - int(quiet.sum()), int((live & below).sum()),
                                    int(quiet.sum()))
            table = table.drop_columns([_OFFSET])
            for code, split in enumerate(names):
                rows = np.flatnonzero(good & (code_of[offsets] == code))
                if rows.size:
                    assert by_pair is not None
                    tables[(recipe_name, split)] = with_pairs(table.take(rows), by_pair,
                                                              offsets[rows])
    style = StyleStats()
    written: list[int] = []
    for offset in kept:
        if bad[offset]:
            continue
        pair = pairs[offset]
        if pair.style is not None:
            style.add(pair.style, splits[offset])
        if made[offset]:
            written.append(offset)
    with timings.stage("leak_check"):
        if not written:
            features = None
        elif pass1_features is not None:  # the same texts, fingerprinted by the same rules in pass 1
            rows = np.asarray(written, dtype=np.int64)
            features = (select_lines(pass1_features[0], rows), select_lines(pass1_features[1], rows))
        else:
            features = pair_features([pairs[o].en for o in written],
                                     [pairs[o].zh for o in written], state.dedup)
    with timings.stage("export"):
        packed = _Parcel.pack(tables, job.parcels) if job.parcels and tables else tables
    return Pass2Result(
        packed=packed,
        records_per_pair=[(start + o, int(made[o])) for o in kept if not bad[o]],
        recipe_pairs=reached,
        leak_splits=[splits[o] for o in written], leak_features=features,
        style=style, timings=timings,
        failed=[(start + o, kind, message) for o, (kind, message) in sorted(failed.items())],
    )


class Workers:
    """Map a batch function over batches in order, inline or in a pool of processes.

    The pool is a `ProcessPoolExecutor` over fork: a worker that dies (killed by the kernel for
    lack of memory, say) breaks the pool, and the build stops with one line instead of waiting
    forever for that worker's batch (what a `multiprocessing.Pool` would do).
    """

    def __init__(self, count: int, normalizer: Normalizer, annotator: Annotator,
                 steps: Sequence[Step], skip_errors: bool, dedup: DedupSettings,
                 cache: BuildCache | None = None, step_keys: Sequence[str] = ()) -> None:
        state = _State(normalizer, annotator, steps, skip_errors, dedup,
                       cache or BuildCache(None), step_keys or [""] * len(steps))
        self.count = count if count > 0 else (os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        _init(state)
        if self.count > 1:
            # fork: workers inherit loaded recipes (plugins, files) without re-importing them
            self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_init_worker, initargs=(state,))

    @property
    def pooled(self) -> bool:
        """Whether batches run in worker processes (results then cross a process boundary)."""
        return self._pool is not None

    def map(self, function: Callable[[T], R], jobs: Iterable[T]) -> Iterator[R]:
        """Yield `function(job)` in job order, with at most a few batches in flight (bounded memory)."""
        if self._pool is None:
            yield from map(function, jobs)
            return
        pending: deque[Future[R]] = deque()
        try:
            for job in jobs:
                pending.append(self._pool.submit(function, job))
                # Four batches per worker: results are taken in order, so a deeper queue keeps a
                # worker busy while the main process waits on a slower batch (2 -> 4: 1M pairs
                # 83 -> 81 s on 2 cores). Each batch in flight is a few MB at most.
                if len(pending) >= 4 * self.count:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise BuildError("a worker process died before finishing its batch (killed, perhaps "
                             "for lack of memory: try fewer [build] workers or a smaller "
                             "batch_size); no output was written") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
