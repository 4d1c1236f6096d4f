"""build(): the stages chained, in order.

Pass 1 streams every input file through ingest, normalise and annotate (in worker processes),
spools the pairs to disk and keeps only integer features for dedup. Dedup and split then decide,
per pair, whether it is kept and where it goes. Pass 2 reads the spool back, runs the recipes
(in workers) and writes the shards in input order. The card, the report and the manifest close
the build. All of it happens in a staging folder that replaces OUT only when everything
succeeded; the build cache lets a rebuild skip whatever did not change.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

import builder
from builder.annotate import get_annotator
from builder.annotate.style_stats import StyleStats
from builder.apply import Step
from builder.batches import Pass1Result, Pass2Job, Workers, annotate_batch, paused_gc, records_batch
from builder.cache import BuildCache, code_digest, digest, recipe_digest
from builder.config import BuildConfig
from builder.dedup.clusters import Deduplicator, DedupResult
from builder.dedup.leaks import LeakChecker, LeakReport
from builder.dedup.settings import DedupSettings
from builder.errors import BuildError, ConfigError
from builder.ingest.discover import discover
from builder.ingest.readers import FileStats, InputFile, read_file
from builder.output.card import CardInfo, render_card
from builder.output.exports import write_exports
from builder.output.manifest import MANIFEST, Signature, file_sha256, write_json, write_manifest
from builder.output.report import BuildReport, FileReport
from builder.output.shards import ShardWriter
from builder.output.staging import check_target, staged_output
from builder.registry import Registry, default_registry
from builder.release.changelog import compute_changelog, first_release
from builder.release.previous import PreviousRelease, load_previous
from builder.split import assign_splits, write_splits
from builder.spool import Spool
from builder.text.normalize import Normalizer
from builder.timing import Timings
from builder.types import RawPair, SetAside

__all__ = ["BuildResult", "build", "select_steps"]

Progress = Callable[[int], None]
T = TypeVar("T")
REPORT = "build_report.json"


@dataclass(frozen=True)
class BuildResult:
    """What a finished build reports back to the caller."""

    out: Path
    counts: dict[str, dict[str, int]]
    report: dict[str, Any]
    manifest: dict[str, Any]
    timings: Timings
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class _FileDone:
    """The end of one input file's pass 1 (last in its cache entry): its accounting."""

    report: FileReport
    set_aside: list[SetAside]


def select_steps(config: BuildConfig, registry: Registry) -> list[Step]:
    """Resolve the config's recipe selection against the registry (files are loaded here)."""
    steps = []
    for selection in config.recipes:
        if selection.file is not None:
            for item in registry.load_file(selection.file, display=selection.name):
                steps.append(Step(item, selection.params, selection.min_particles))
        else:
            steps.append(Step(registry.get(selection.name), selection.params, selection.min_particles))
    names = [s.recipe.name for s in steps]
    if len(set(names)) != len(names):
        raise ConfigError(f"a recipe is selected twice: {', '.join(names)}")
    return steps


def build(
    config: BuildConfig,
    out: Path,
    *,
    registry: Registry | None = None,
    skip_errors: bool = False,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    force: bool = False,
) -> BuildResult:
    """Build the dataset described by `config` into `out`, atomically.

    `cache_dir` (or the config's `[build] cache_dir`) turns the build cache on. `out` is
    replaced only when it is a previous twcasual output (or empty, or `force`); see
    `builder.output.check_target` for the folders that are refused even with `force`.
    """
    if not config.inputs:
        raise ConfigError("no input: give --input PATH or [input] paths in the config")
    cache_dir = cache_dir or config.cache_dir
    guarded = [*config.inputs, *([cache_dir] if cache_dir else [])]
    check_target(out, inputs=guarded, force=force)  # before any work: a refusal costs nothing
    registry = registry or default_registry()
    steps = select_steps(config, registry)
    annotator = get_annotator(config.annotate_backend, **dict(config.annotate_options))
    dedup_settings = DedupSettings.from_mapping(config.dedup)
    previous = load_previous(config.previous) if config.previous else None
    files = discover(list(config.inputs), config.input_format)
    cache = BuildCache(cache_dir)
    run = _Run(config, steps, annotator.name, dedup_settings, previous, files, cache, progress)
    run.file_shas = [file_sha256(f.path) for f in files]
    run.file_keys = [
        digest("pass1", sha, f.name, f.format, code_digest(), annotator.name,
               dict(config.annotate_options), asdict(dedup_settings), config.batch_size)
        for sha, f in zip(run.file_shas, files)
    ]
    step_keys = [recipe_digest(s.recipe, s.params, s.min_particles) for s in steps]
    output_key = digest("output", run.file_keys, step_keys, _card_fields(config),
                        config.ratios, config.formats, config.shard_rows,
                        previous.signature if previous else "", skip_errors)
    workers = Workers(config.workers, Normalizer(), annotator, steps, skip_errors,
                      dedup_settings, cache, step_keys)
    try:
        with staged_output(out, inputs=guarded, force=force) as stage:
            if cache.restore_output(output_key, stage):
                run.restored(stage)
            else:
                with paused_gc():  # the passes make millions of short-lived, acyclic objects
                    run.execute(stage, workers)
                cache.store_output(output_key, stage, run.manifest["files"])
    finally:
        workers.close()
    return BuildResult(out, run.counts, run.report_dict, run.manifest, run.timings, cache.summary())


def _card_fields(config: BuildConfig) -> list[str]:
    return [config.name, config.pretty_name, config.version, config.license, config.description,
            config.repo, config.default_config]


class _Run:
    """The state of one build while its stages run."""

    def __init__(self, config: BuildConfig, steps: Sequence[Step], annotator: str,
                 dedup: DedupSettings, previous: PreviousRelease | None,
                 files: Sequence[InputFile], cache: BuildCache,
                 progress: Progress | None) -> None:
        self.config, self.steps, self.annotator = config, steps, annotator
        self.dedup_settings, self.previous, self.files = dedup, previous, files
        self.cache, self.progress = cache, progress
        self.names = [f.name for f in files]
        self.report = BuildReport(skipped_files=list(files.skipped))
        self.timings = Timings()
        self.file_keys: list[str] = []
        self.file_shas: list[str] = []
        self.counts: dict[str, dict[str, int]] = {}
        self.report_dict: dict[str, Any] = {}
        self.manifest: dict[str, Any] = {}

    def restored(self, stage: Path) -> None:
        """A cache hit: read back what the caller gets from the restored folder."""
        self.manifest = json.loads((stage / MANIFEST).read_text(encoding="utf-8"))
        self.report_dict = json.loads((stage / REPORT).read_text(encoding="utf-8"))
        self.counts = {c: dict(s) for c, s in self.report_dict["records"].items()}

    def execute(self, stage: Path, workers: Workers) -> None:
        """Run every stage into the staging folder."""
        spool = Spool(stage / ".pairs.spool")
        dedup = Deduplicator(self.dedup_settings)
        pair_ids: list[str] = []
        file_of: list[int] = []
        batch_keys: list[str] = []
        features: deque[Any] = deque()  # per spool batch; released batch by batch in pass 2
        # Pass 1: per input file, from the cache or through the workers.
        for index, f in enumerate(self.files):
            for number, part in enumerate(self._pass1(index, f, workers)):
                for source, message in part.warnings:
                    self.report.warn(f"{source}: {message}")
                self.report.warnings_total += part.warning_count - len(part.warnings)
                file_of.extend([index] * part.count)
                pair_ids.extend(part.ids)
                batch_keys.append(digest("batch", self.file_keys[index], number))
                with self.timings.stage("spool"):
                    # the pass-1 features travel with the pairs: the leak check reuses them
                    spool.append_pickled(part.count, part.pickled)
                    features.append(part.features)
                if part.features is not None:
                    with self.timings.stage("dedup"):
                        dedup.add_features(part.features)
                if self.progress:
                    self.progress(part.count)

        # Dedup and split see every pair (integers only) before anything is written.
        with self.timings.stage("dedup"):
            result = dedup.finish()
        files_index = np.asarray(file_of, dtype=np.int32)
        for index in np.flatnonzero(~result.keep):
            self.report.files[self.names[files_index[index]]].duplicates += 1
        with self.timings.stage("split"):
            splits = assign_splits(pair_ids, result.cluster, self.config.ratios,
                                   self.previous.splits if self.previous else None)

        # Pass 2: recipes and record tables (in workers), written in input order.
        writer = ShardWriter(stage, shard_rows=self.config.shard_rows)
        leaks = LeakChecker(self.dedup_settings)
        style = StyleStats()
        recipe_pairs = {s.recipe.name: [0, 0, 0] for s in self.steps}
        bounds = [*spool.starts[1:], spool.count]
        parcels = None
        if workers.pooled:  # record tables come back through files in the staging folder
            parcels = stage / ".parcels"
            parcels.mkdir()
        jobs = (Pass2Job(start, str(spool.path), offset, size, result.keep[start:end],
                         splits[start:end], key, features.popleft(), parcels and str(parcels))
                for (start, offset, size), end, key in zip(spool.locations(), bounds, batch_keys))
        try:
            for part in workers.map(records_batch, jobs):
                self.timings.merge(part.timings)
                for (recipe_name, split), table in part.take_tables().items():
                    writer.write(recipe_name, split, table)
                for index, made in part.records_per_pair:
                    self.report.files[self.names[files_index[index]]].records += made
                for index, kind, message in part.failed:
                    pair = spool.get(index)
                    self.report.set_aside_pairs[f"recipe_error:{kind}"] += 1
                    self.report.add_set_aside(
                        SetAside(pair.source.file, pair.source.en_line, "recipe_error", message))
                if part.leak_features is not None:
                    with self.timings.stage("leak_check"):
                        leaks.add_features(part.leak_splits, *part.leak_features)
                style.merge(part.style)
                for name, counts in part.recipe_pairs.items():
                    recipe_pairs[name] = [a + b for a, b in zip(recipe_pairs[name], counts)]
            with ThreadPoolExecutor(1) as helper:  # the leak check beside the last Parquet writes
                leak_job = helper.submit(self._timed, "leak_check", leaks.finish)
                shards = writer.close()
                leak = leak_job.result()
            self.timings.add("write", writer.seconds)  # on the writer thread, beside the rest
        except BaseException:
            writer.abort()
            raise
        self.counts = {name: {s: rows for s, (rows, _) in by_split.items()}
                       for name, by_split in shards.items()}
        if leak.leaked_clusters:
            raise BuildError(
                f"leak check failed: {leak.leaked_clusters} clusters of exact or near-duplicate "
                f"records cross splits ({leak.leaked_records} records); no output was written"
            )
        started = time.perf_counter()
        kept = np.flatnonzero(result.keep)
        dedup_summary = result.summary(lambda i: (spool.get(i).en, spool.get(i).zh))
        spool.remove()
        if parcels is not None:
            parcels.rmdir()  # every parcel was unlinked as it was read
        write_splits(stage / "splits.parquet", [pair_ids[i] for i in kept], [splits[i] for i in kept])
        # Per recipe, every deduplicated pair not set aside: it made records, its min_particles
        # kept it out, or the recipe made nothing of it (e.g. no particle to explain).
        self.report.sections["recipes"] = {
            name: {"records": sum(self.counts.get(name, {}).values()), "pairs_with_records": made,
                   "pairs_below_min_particles": below, "pairs_without_records": quiet}
            for name, (made, below, quiet) in recipe_pairs.items()}
        self._close(stage, result, dedup_summary, leak, style)
        self.timings.add("card", time.perf_counter() - started - self.timings.get("exports", 0.0))

    def _timed(self, stage: str, function: Callable[[], T]) -> T:
        with self.timings.stage(stage):
            return function()

    def _pass1(self, index: int, f: InputFile, workers: Workers) -> Iterator[Pass1Result]:
        """Yield one file's pass-1 batches (cached, or computed and cached) and account for it."""
        cached = self.cache.read_pass1(self.file_keys[index])
        if cached is not None:
            for item in cached:
                if isinstance(item, _FileDone):
                    self._file_done(item)
                else:
                    yield item
            return
        file_report = FileReport(f.name, f.format, 1, self.file_shas[index])
        set_aside: list[SetAside] = []
        writer = self.cache.write_pass1(self.file_keys[index])
        try:
            for part in workers.map(annotate_batch,
                                    self._raw_batches(index, f, file_report, set_aside)):
                self.timings.merge(part.timings)
                for _, refused in part.refused:
                    file_report.pairs -= 1
                    file_report.rejected[refused.reason] += file_report.lines_per_pair
                    set_aside.append(refused)
                file_report.converted_simplified += len(part.converted)
                if writer is not None:
                    writer.append(part)
                yield part
            done = _FileDone(file_report, set_aside)
            if writer is not None:
                writer.append(done)
                writer.commit()
                writer = None
        finally:
            if writer is not None:
                writer.discard()
        self._file_done(done)

    def _file_done(self, done: _FileDone) -> None:
        self.report.files[done.report.name] = done.report
        for item in done.set_aside:
            self.report.add_set_aside(item)

    def _raw_batches(self, index: int, f: InputFile, file_report: FileReport,
                     set_aside: list[SetAside]) -> Iterator[list[tuple[int, RawPair]]]:
        """Stream one file in batches of `(file index, raw pair)`; account for every line read."""
        stats = FileStats()
        batch: list[tuple[int, RawPair]] = []
        started = time.perf_counter()
        for item in read_file(f, stats):
            if isinstance(item, SetAside):
                set_aside.append(item)
                continue
            batch.append((index, item))
            if len(batch) >= self.config.batch_size:
                self.timings.add("ingest", time.perf_counter() - started)
                yield batch
                started = time.perf_counter()
                batch = []
        file_report.lines_per_pair = stats.lines_per_pair
        file_report.lines = stats.lines
        file_report.pairs += stats.pairs  # less the pairs the normaliser refuses, counted later
        file_report.unpaired = stats.unpaired
        file_report.rejected.update(stats.rejected_by_reason)
        self.timings.add("ingest", time.perf_counter() - started)
        if batch:
            yield batch

    def _close(self, stage: Path, result: DedupResult, dedup_summary: dict[str, Any],
               leak: LeakReport, style: StyleStats) -> None:
        """Write the exports, changelog, chart, card, report and manifest."""
        config, steps, previous = self.config, self.steps, self.previous
        if len(config.formats) > 1:
            with self.timings.stage("exports"):
                write_exports(stage, [f for f in config.formats if f != "parquet"], self.counts)
        signature = Signature(
            twcasual=builder.__version__,
            dataset_version=config.version,
            inputs={name: self.report.files[name].sha256 for name in self.names},
            recipes=[(s.recipe.name, s.recipe.version) for s in steps],
            recipe_params={s.recipe.name: {"params": dict(s.params), "min_particles": s.min_particles}
                           for s in steps},
            annotate=self.annotator,
            dedup=asdict(self.dedup_settings),
            split={"ratios": dict(config.ratios), "previous": previous.label if previous else ""},
            formats=config.formats,
        )
        # Every release folder carries a changelog; a first release says it is one.
        changelog = (
            compute_changelog(previous, stage, version=config.version) if previous
            else first_release(config.version, self.counts,
                               {s.recipe.name: s.recipe.version for s in steps if s.recipe.name in self.counts})
        )
        (stage / "CHANGELOG.md").write_text(changelog.to_markdown(), encoding="utf-8")
        (stage / "style_particles.svg").write_text(style.render_svg(), encoding="utf-8")
        report = self.report
        report.sections["dedup"] = dedup_summary
        report.sections["leak_check"] = leak.as_dict()
        report.sections["style"] = style.to_dict()
        totals = report.totals()
        card = render_card(
            CardInfo(
                pretty_name=config.pretty_name,
                description=config.description,
                version=config.version,
                twcasual_version=builder.__version__,
                license=config.license,
                signature=str(signature),
                counts=self.counts,
                recipes=[(s.recipe.name, s.recipe.version, s.recipe.origin, s.recipe.description)
                         for s in steps],
                default_config=config.default_config or steps[0].recipe.name,
                repo=config.repo,
                input_summary=f"{totals['files']} files, {totals['lines']} lines, "
                f"{totals['pairs']} pairs ({totals['unpaired']} unpaired lines and "
                f"{sum(totals['rejected'].values())} rejected lines set aside)",
                converted=totals["converted_simplified"],
                dedup_summary=_dedup_line(dedup_summary, self.dedup_settings),
                leak_summary=f"the {leak.records} pairs behind the written records of every "
                f"recipe were clustered again by the same rules; {leak.leaked_clusters} clusters "
                "cross splits.",
                style_section="![Particle frequencies](style_particles.svg)\n\n"
                + style.render_markdown(),
                changelog=changelog.to_markdown(level=3) if previous else "",
            )
        )
        (stage / "README.md").write_text(card, encoding="utf-8")
        self.report_dict = report.to_dict(self.counts)
        write_json(stage / REPORT, self.report_dict)
        configs = {s.recipe.name: {"recipe_version": s.recipe.version,
                                   "splits": self.counts.get(s.recipe.name, {})} for s in steps}
        self.manifest = write_manifest(
            stage,
            signature=signature,
            dataset={"name": config.name, "version": config.version},
            configs=configs,
            extra={"changelog": changelog.to_dict()},
        )


def _dedup_line(summary: dict[str, Any], settings: DedupSettings) -> str:
    kinds = {k: n for k, n in summary.get("by_kind", {}).items() if n}
    found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none found"
    return (f"exact and near-duplicate clusters (`{settings.signature()}`); "
            f"{summary.get('dropped', 0)} pairs dropped; members by kind: {found}.")
