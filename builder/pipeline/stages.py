"""The stages of a build, chained in order: the one place that knows every stage.

    input files --ingest--> raw pairs --normalise, annotate (workers)--> pairs, spooled in Batches
        --dedup--> kept pairs --split groups, split--> splits --recipes (workers)--> record tables
        per split --write--> Parquet shards --leak check, exports, card, report, manifest--> OUT

Pass 1 streams every input file through ingest, normalise and annotate, spools the pairs to disk
and keeps only integer features for dedup. Dedup, the split groups and the split then decide, per
pair, whether it is kept and where it goes. Pass 2 reads the spool back, runs the recipes and writes the shards in
input order; `finish_output` closes the build.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from builder.annotate.style_stats import StyleStats
from builder.contract.apply import run_step
from builder.dedup.clusters import Deduplicator
from builder.dedup.groups import SplitGroups, near_searches, split_groups
from builder.dedup.leaks import Leak, LeakCheck, LeakReport, witness_parts
from builder.engine.batch import Batch
from builder.engine.cache import BuildCache, digest
from builder.engine.counters import Counters
from builder.engine.executor import Executor
from builder.engine.spool import Spool
from builder.engine.timing import Timings
from builder.errors import BuildError
from builder.ingest.inputs import LINES_PER_PAIR, InputFile
from builder.output.layout import MANIFEST, REPORT, SPLITS_FILE
from builder.output.report import BuildReport, FileReport
from builder.output.shards import ShardWriter
from builder.pipeline.context import PassContext
from builder.pipeline.finish import finish_output
from builder.pipeline.pass1 import Pass1Result, annotate_batch, read_batches
from builder.pipeline.pass1_entry import BadFrame, FileDone, decode, encode
from builder.pipeline.pass2 import PAIR_COUNTS, Pass2Job, Pass2Result, records_batch
from builder.pipeline.plan import BuildPlan
from builder.pipeline.register_gate import formal_file_warning, register_section
from builder.split import Placement, place_groups, train_split, write_splits
from builder.types import Pair, SetAside

__all__ = ["BuildRun"]

Progress = Callable[[int], None]
T = TypeVar("T")


def _shown(pair: Pair) -> dict[str, Any]:
    """What the report's dedup examples show of a pair: its texts and the file and line it came from."""
    return {"en": pair.en, "zh": pair.zh, "file": pair.source.file, "line": pair.source.en_line}


class BuildRun:
    """One build while its stages run: the report, the timings, and what the caller gets back."""

    def __init__(self, plan: BuildPlan, cache: BuildCache, progress: Progress | None,
                 notify: Callable[[str], None]) -> None:
        self.plan, self.cache, self.progress, self.notify = plan, cache, progress, notify
        self.notices: list[str] = []  # what the build said on the way (stderr), not in the output
        self.names = [f.name for f in plan.files]
        self.report = BuildReport(skipped_files=list(plan.files.skipped))
        self.timings = Timings()
        self.counts: dict[str, dict[str, int]] = {}
        self.report_dict: dict[str, Any] = {}
        self.manifest: dict[str, Any] = {}
        self.register_warnings: list[str] = []  # one line per file whose zh lines are mostly formal

    def notice(self, message: str) -> None:
        """Say one line about this run (a damaged cache entry, a swept leftover); the output's
        bytes do not depend on it, so it goes to the caller, not into the report."""
        self.notices.append(message)
        self.notify(message)

    def cache_warnings(self) -> None:
        """Pass on what the cache found damaged since the last call."""
        for message in self.cache.take_warnings():
            self.notice(message)

    def restored(self, stage: Path) -> None:
        """A cache hit: read back what the caller gets from the restored folder."""
        self.manifest = json.loads((stage / MANIFEST).read_text(encoding="utf-8"))
        self.report_dict = json.loads((stage / REPORT).read_text(encoding="utf-8"))
        self.counts = {c: dict(s) for c, s in self.report_dict["records"].items()}

    def execute(self, stage: Path, executor: Executor[PassContext]) -> None:
        """Run every stage into the staging folder."""
        spool = Spool(stage / ".pairs.spool")
        dedup = Deduplicator(self.plan.dedup, stage / ".features")  # the features wait on disk
        batches, pair_ids = self._first_pass(spool, dedup, executor)
        # Dedup and split see every pair (integers only) before anything is written. The split
        # groups' near search needs no clusters: it goes on the two threads first, dedup's four behind it.
        threshold = self.plan.dedup.threshold
        with ThreadPoolExecutor(max_workers=2) as pool:
            with self.timings.stage("dedup"):
                sides = dedup.join()
                searches = near_searches(sides, threshold, pool)
                result = dedup.finish(pool)
            for batch in batches:
                dropped = int(np.count_nonzero(~result.keep[batch.start:batch.end]))
                self.report.files[self.names[batch.source]].duplicates += dropped
            with self.timings.stage("split"):
                groups = split_groups(sides, result.cluster, threshold, searches=searches)
        del sides, searches  # the n-grams go before pass 2
        with self.timings.stage("split"):
            previous = self.plan.previous
            placement = place_groups(pair_ids, groups.label, self.plan.config.ratios,
                                     previous.splits if previous else None, result.keep,
                                     self.plan.config.large_group)
        splits = placement.splits
        leak, style, counters = self._second_pass(stage, batches, result.keep, splits, executor)
        dedup.remove()  # the workers have read every batch's features
        if leak.exact or leak.near:
            raise BuildError(self._leak_message(leak, spool))
        started = time.perf_counter()
        kept = np.flatnonzero(result.keep)
        dedup_summary = result.summary(lambda i: _shown(spool.get(i)))
        self.report.sections["split_groups"] = self._groups_summary(groups, placement, spool)
        spool.remove()
        write_splits(stage / SPLITS_FILE, pair_ids.take(kept), [splits[i] for i in kept])
        # Per recipe, every deduplicated pair not set aside: it made records, its filters kept it
        # out, or the recipe made nothing of it (e.g. no particle to explain).
        self.report.sections["recipes"] = {
            name: {"records": sum(self.counts.get(name, {}).values()), **counters.group(name, PAIR_COUNTS)}
            for name in (s.recipe.name for s in self.plan.steps)}
        self.report.sections["register"] = register_section(self.report, self.plan.steps, self.register_warnings)
        self.report_dict, self.manifest = finish_output(
            stage, self.plan, self.report, self.counts, dedup_summary, leak, style, self.timings)
        self.timings.add("card", time.perf_counter() - started - self.timings.get("exports", 0.0))

    # --- pass 1 ---------------------------------------------------------------------------------

    def _first_pass(self, spool: Spool, dedup: Deduplicator,
                    executor: Executor[PassContext]) -> tuple[deque[Batch], pa.Array]:
        """Every input file through pass 1: spool the pairs, feed dedup, keep one Batch each;
        return them and every pair's id (one Arrow array: not a million Python strings)."""
        batches: deque[Batch] = deque()
        pair_ids: list[pa.Array] = []
        count = 0
        for index, f in enumerate(self.plan.files):
            for number, part in enumerate(self._pass1(index, f, executor)):
                for source, message in part.warnings:
                    self.report.warn(f"{source}: {message}")
                self.report.warnings_total += part.warning_count - len(part.warnings)
                if self.progress:
                    self.progress(part.count)
                if not part.count:
                    continue  # every pair of the batch was set aside: nothing goes on
                with self.timings.stage("spool"):
                    where = spool.append(part.count, part.spooled)
                with self.timings.stage("dedup"):
                    features = dedup.add_features(part.features)
                # where the pass-1 features lie travels with the pairs: the leak check reuses them
                file_key = self.plan.file_keys[index]  # "": not cached, nor are its records
                batches.append(Batch(index, count, part.count, where, features,
                                     digest("batch", file_key, number) if file_key else ""))
                pair_ids.append(pa.array(part.ids, pa.string()))
                count += part.count
        spool.close()
        return batches, pa.concat_arrays(pair_ids) if pair_ids else pa.array([], pa.string())

    def _pass1(self, index: int, f: InputFile, executor: Executor[PassContext]) -> Iterator[Pass1Result]:
        """Yield one file's pass-1 batches (cached, or computed and cached) and account for it."""
        key = self.plan.file_keys[index]
        cached = self.cache.read_pass1(key) if key else None
        self.cache_warnings()
        if cached is not None:
            for frame in cached:
                try:
                    item = decode(frame)
                except BadFrame as error:  # the trailer proved the bytes: a twcasual bug, not damage
                    raise BuildError(f"{f.name}: pass-1 cache entry {key[:12]}: {error}") from None
                if isinstance(item, FileDone):
                    self._file_done(item)
                else:
                    yield item
            return
        file_report = FileReport(f.name, f.format, LINES_PER_PAIR[f.format], self.plan.file_shas[index],
                                 read_as=f.sniffed, license=f.license)
        set_aside: list[SetAside] = []
        writer = self.cache.write_pass1(key) if key else None
        raw = read_batches(f, self.plan.config.batch_size, file_report, set_aside, self.timings,
                           self.plan.config.max_line_chars, self.plan.file_shas[index])
        try:
            for part in executor.map(annotate_batch, raw):
                self.timings.merge(part.timings)
                for refused in part.refused:
                    file_report.pairs -= 1
                    file_report.rejected[refused.reason] += file_report.lines_per_pair
                    set_aside.append(refused)
                for dropped in part.filtered:  # its lines_per_pair lines count under `filtered`
                    file_report.pairs -= 1
                    file_report.filtered[dropped.reason] += 1
                    set_aside.append(dropped)
                file_report.formal += part.formal
                file_report.converted_simplified += part.converted
                if writer is not None:
                    writer.append(encode(part))
                yield part
            done = FileDone(file_report, set_aside)
            if writer is not None:
                writer.append(encode(done))
                writer.commit()
                writer = None
        finally:
            if writer is not None:
                writer.discard()
        self._file_done(done)

    def _file_done(self, done: FileDone) -> None:
        self.report.files[done.report.name] = done.report
        for item in done.set_aside:
            self.report.add_set_aside(item)
        warning = formal_file_warning(done.report, self.plan.steps)
        if warning:
            self.report.warn(warning)
            self.register_warnings.append(warning)

    # --- pass 2 ---------------------------------------------------------------------------------

    def _second_pass(self, stage: Path, batches: deque[Batch], keep: np.ndarray, splits: Sequence[str],
                     executor: Executor[PassContext]) -> tuple[LeakReport, StyleStats, Counters]:
        """Recipes and record tables (in workers), written in input order; the leak check."""
        writer = ShardWriter(stage, shard_rows=self.plan.config.shard_rows)
        ratios = self.plan.config.ratios
        split_names = tuple(sorted(ratios))
        leaks = LeakCheck(split_names, train_split(ratios), self.plan.dedup, folder=stage / ".leaks")
        style, counters = StyleStats(), Counters()
        parcels = stage / ".parcels" if executor.pooled else None
        if parcels is not None:  # record tables come back through files in the staging folder
            parcels.mkdir()
        in_flight: deque[Batch] = deque()

        def jobs() -> Iterator[Pass2Job]:
            while batches:  # each batch (and its features) is let go once its job is made
                batch = batches.popleft()
                in_flight.append(batch)
                yield Pass2Job(batch, keep[batch.start:batch.end], splits[batch.start:batch.end],
                               parcels and str(parcels), split_names)

        try:
            for part in executor.map(records_batch, jobs()):
                self._take(in_flight.popleft(), part, writer, leaks, style, counters)
            executor.close()  # no batch is left: the workers' memory goes back before the leak check's peak
            with ThreadPoolExecutor(1) as helper:  # the leak check beside the last Parquet writes
                records = self.report.totals()["records"]
                leak_job = helper.submit(self._timed, "leak_check", lambda: leaks.finish(records))
                shards = writer.close()
                leak = leak_job.result()
            self.timings.add("write", writer.seconds)  # on the writer thread, beside the rest
        except BaseException:
            writer.abort()
            raise
        if parcels is not None:
            parcels.rmdir()  # every parcel was unlinked as it was read
        self.counts = {name: {s: rows for s, (rows, _) in by_split.items()}
                       for name, by_split in shards.items()}
        return leak, style, counters

    def _take(self, batch: Batch, part: Pass2Result, writer: ShardWriter, leaks: LeakCheck,
              style: StyleStats, counters: Counters) -> None:
        """Hand one batch's tables to the writer and its counts to the report, in input order."""
        self.timings.merge(part.timings)
        if part.cache is not None:  # the records cache, as the worker found it
            self.cache.merge_events(part.cache)
            self.cache_warnings()
        for (recipe_name, split), table in part.take_tables().items():
            writer.write(recipe_name, split, table)
        self.report.files[self.names[batch.source]].records += part.records
        for failure in part.failed:
            self.report.set_aside_pairs[f"recipe_error:{failure.kind}"] += 1
            self.report.add_set_aside(
                SetAside(failure.source.file, failure.source.en_line, "recipe_error", failure.message,
                         "recipe_error"))
        with self.timings.stage("leak_check"):
            leaks.add(part.leak)
        style.merge(part.style)
        counters.merge(part.counters)

    # --- what the report and the errors show -----------------------------------------------------

    def _record_text(self, spool: Spool, witness: int, split: str) -> str:
        """One written record's text, remade from its pair: config, split, field, source, text."""
        pair_index, recipe, example, field = witness_parts(witness)
        pair = spool.get(pair_index)
        step = self.plan.steps[recipe]
        made = run_step(pair, step)
        text = getattr(made[example][0], field) if example < len(made) else "?"
        short = text if len(text) <= 60 else text[:57] + "..."
        return f"{split} {step.recipe.name} {field} ({pair.source.file}:{pair.source.en_line}) {short!r}"

    def _leak_message(self, leak: LeakReport, spool: Spool) -> str:
        """The one-line error of a failed leak check, with examples of both records."""
        train = train_split(self.plan.config.ratios)

        def show(item: Leak) -> str:
            how = "=" if item.kind == "exact" else f"~ (Jaccard {item.score:g})"
            return (f"{self._record_text(spool, item.held, item.held_split)} {how} "
                    f"{self._record_text(spool, item.train, train)}")

        return (f"leak check failed: {leak.exact} held-out texts equal a {train} text and {leak.near} "
                f"nearly repeat one (of {leak.records} records); no output was written. e.g. "
                + "; ".join(show(item) for item in leak.leaks[:3]))

    def _groups_summary(self, groups: SplitGroups, placement: Placement, spool: Spool) -> dict[str, Any]:
        """The report's split_groups section: groups, ties, large groups with an example, moves."""
        summary = {**groups.summary(), **placement.summary()}
        examples = []
        for rep, size in placement.large[:3]:
            members = np.flatnonzero(groups.label == rep)[:3].tolist()
            examples.append({"pairs": size, "members": [
                {"en": spool.get(i).en, "zh": spool.get(i).zh} for i in members]})
        summary["large_group_examples"] = examples
        return summary

    def _timed(self, stage: str, function: Callable[[], T]) -> T:
        with self.timings.stage(stage):
            return function()
