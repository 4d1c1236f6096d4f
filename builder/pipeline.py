"""build(): the stages chained, in order.

Pass 1 streams every input file through ingest, normalise and annotate, spools the pairs to disk
and keeps only their hashes for dedup. Dedup and split then decide, per pair, whether it is kept
and where it goes. Pass 2 reads the spool back, runs the recipes and writes the shards. The card,
the report and the manifest close the build; all of it happens in a staging folder that replaces
OUT only when everything succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

import builder
from builder import ingest, normalize
from builder.annotate import get_annotator
from builder.apply import Step
from builder.batches import Workers, annotate_batch, records_batch
from builder.card import CardInfo, render_card
from builder.changelog import compute_changelog, load_previous
from builder.config import BuildConfig
from builder.dedup import Deduplicator, DedupSettings
from builder.errors import BuildError, ConfigError
from builder.export import ShardWriter
from builder.formats import write_exports
from builder.manifest import Signature, file_sha256, write_json, write_manifest
from builder.output import staged_output
from builder.registry import Registry, default_registry
from builder.report import BuildReport, FileReport
from builder.spool import Spool
from builder.split import LeakChecker, assign_splits, write_splits
from builder.style_stats import StyleStats
from builder.timing import Timings
from builder.types import SetAside

__all__ = ["BuildResult", "build", "select_steps"]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class BuildResult:
    """What a finished build reports back to the caller."""

    out: Path
    counts: dict[str, dict[str, int]]
    report: dict[str, Any]
    manifest: dict[str, Any]
    timings: Timings


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


def _raw_batches(
    files: Sequence[ingest.InputFile], report: BuildReport, size: int, timings: Timings
) -> Iterator[list[tuple[int, ingest.RawPair]]]:
    """Stream every file in batches of `(file index, raw pair)`; account for every line read."""
    batch: list[tuple[int, ingest.RawPair]] = []
    started = time.perf_counter()
    for index, f in enumerate(files):
        stats = ingest.FileStats()
        file_report = FileReport(f.name, f.format, 1, file_sha256(f.path))
        report.files[f.name] = file_report
        for item in ingest.read_file(f, stats):
            if isinstance(item, SetAside):
                report.add_set_aside(item)
                continue
            batch.append((index, item))
            if len(batch) >= size:
                timings.add("ingest", time.perf_counter() - started)
                yield batch
                started = time.perf_counter()
                batch = []
        file_report.lines_per_pair = stats.lines_per_pair
        file_report.lines = stats.lines
        file_report.pairs += stats.pairs  # less the pairs the normaliser refuses, counted later
        file_report.unpaired = stats.unpaired
        file_report.rejected.update(stats.rejected_by_reason)
    timings.add("ingest", time.perf_counter() - started)
    if batch:
        yield batch


def build(
    config: BuildConfig,
    out: Path,
    *,
    registry: Registry | None = None,
    skip_errors: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the dataset described by `config` into `out`, atomically."""
    if not config.inputs:
        raise ConfigError("no input: give --input PATH or [input] paths in the config")
    registry = registry or default_registry()
    steps = select_steps(config, registry)
    annotator = get_annotator(config.annotate_backend, **dict(config.annotate_options))
    dedup_settings = DedupSettings.from_mapping(config.dedup)
    previous = load_previous(config.previous) if config.previous else None
    files = ingest.discover(list(config.inputs), config.input_format)
    names = [f.name for f in files]
    report = BuildReport(skipped_files=list(files.skipped))
    workers = Workers(config.workers, normalize.Normalizer(), annotator, steps, skip_errors,
                      dedup_settings)
    timings = Timings()
    try:
        with staged_output(out) as stage:
            result = _build_into(stage, config, steps, annotator.name, dedup_settings, previous,
                                 files, names, report, workers, progress, timings)
    finally:
        workers.close()
    return BuildResult(out, *result, timings)


def _build_into(stage: Path, config: BuildConfig, steps: Sequence[Step], annotator_name: str,
                dedup_settings: DedupSettings, previous: Any, files: Sequence[ingest.InputFile],
                names: list[str], report: BuildReport, workers: Workers,
                progress: Progress | None, timings: Timings) -> tuple[dict[str, dict[str, int]], dict[str, Any], dict[str, Any]]:
    # Pass 1: normalise and annotate (in workers); spool pairs, keep only hashes for dedup.
    spool = Spool(stage / ".pairs.spool")
    dedup = Deduplicator(dedup_settings)
    pair_ids: list[str] = []
    file_of: list[int] = []
    for part in workers.map(annotate_batch, _raw_batches(files, report, config.batch_size, timings)):
        timings.merge(part.timings)
        for file_index, refused in part.refused:
            file_report = report.files[names[file_index]]
            file_report.pairs -= 1
            file_report.rejected[refused.reason] += file_report.lines_per_pair
            report.add_set_aside(refused)
        for source, message in part.warnings:
            report.warn(f"{source}: {message}")
        report.warnings_total += part.warning_count - len(part.warnings)
        for file_index in part.converted:
            report.files[names[file_index]].converted_simplified += 1
        file_of.extend(part.files)
        pair_ids.extend(part.ids)
        with timings.stage("spool"):
            spool.append_pickled(part.count, part.pickled)
        if part.features is not None:
            with timings.stage("dedup"):
                dedup.add_features(part.features)
        if progress:
            progress(part.count)

    # Dedup and split see every pair (hashes only) before anything is written.
    with timings.stage("dedup"):
        result = dedup.finish()
    files_index = np.asarray(file_of, dtype=np.int32)
    for index in np.flatnonzero(~result.keep):
        report.files[names[files_index[index]]].duplicates += 1
    with timings.stage("split"):
        splits = assign_splits(pair_ids, result.cluster, config.ratios,
                               previous.splits if previous else None)

    # Pass 2: recipes and record tables (in workers), written in input order.
    writer = ShardWriter(stage, shard_rows=config.shard_rows)
    leaks = LeakChecker(dedup_settings)
    style = StyleStats()
    bounds = [*spool.starts[1:], spool.count]
    jobs = ((start, data, result.keep[start:end], splits[start:end])
            for (start, data), end in zip(spool.pickled_batches(), bounds))
    for part in workers.map(records_batch, jobs):
        timings.merge(part.timings)
        with timings.stage("export"):
            for (recipe_name, split), table in part.tables.items():
                writer.write(recipe_name, split, table)
        for index, made in part.records_per_pair:
            report.files[names[files_index[index]]].records += made
        for index, kind, message in part.failed:
            pair = spool.get(index)
            report.set_aside_pairs[f"recipe_error:{kind}"] += 1
            report.add_set_aside(SetAside(pair.source.file, pair.source.en_line, "recipe_error", message))
        with timings.stage("leak_check"):
            for split, en, zh in part.texts:
                leaks.add(split, en, zh)
        style.merge(part.style)
    with timings.stage("export"):
        shards = writer.close()
    counts = {name: {s: rows for s, (rows, _) in by_split.items()} for name, by_split in shards.items()}
    with timings.stage("leak_check"):
        leak = leaks.finish()
    if leak.leaked_clusters:
        raise BuildError(
            f"leak check failed: {leak.leaked_clusters} clusters of exact or near-duplicate records "
            f"cross splits ({leak.leaked_records} records); no output was written"
        )
    card_started = time.perf_counter()
    kept = np.flatnonzero(result.keep)
    dedup_summary = result.summary(lambda i: (spool.get(i).en, spool.get(i).zh))
    spool.remove()
    write_splits(stage / "splits.parquet", [pair_ids[i] for i in kept], [splits[i] for i in kept])
    if len(config.formats) > 1:
        with timings.stage("exports"):
            write_exports(stage, [f for f in config.formats if f != "parquet"], counts)

    signature = Signature(
        twcasual=builder.__version__,
        dataset_version=config.version,
        inputs={name: report.files[name].sha256 for name in names},
        recipes=[(s.recipe.name, s.recipe.version) for s in steps],
        recipe_params={s.recipe.name: {"params": dict(s.params), "min_particles": s.min_particles}
                       for s in steps},
        annotate=annotator_name,
        dedup=asdict(dedup_settings),
        split={"ratios": dict(config.ratios), "previous": previous.label if previous else ""},
        formats=config.formats,
    )
    changelog = compute_changelog(previous, stage, version=config.version) if previous else None
    if changelog is not None:
        (stage / "CHANGELOG.md").write_text(changelog.to_markdown(), encoding="utf-8")
    (stage / "style_particles.svg").write_text(style.render_svg(), encoding="utf-8")

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
            counts=counts,
            recipes=[(s.recipe.name, s.recipe.version, s.recipe.origin, s.recipe.description)
                     for s in steps],
            default_config=config.default_config or steps[0].recipe.name,
            repo=config.repo,
            input_summary=f"{totals['files']} files, {totals['lines']} lines, {totals['pairs']} pairs "
            f"({totals['unpaired']} unpaired lines and {sum(totals['rejected'].values())} rejected "
            f"lines set aside)",
            converted=totals["converted_simplified"],
            dedup_summary=_dedup_line(dedup_summary, dedup_settings),
            leak_summary=f"{leak.records} records checked, {leak.leaked_clusters} clusters cross splits.",
            style_section="![Particle frequencies](style_particles.svg)\n\n" + style.render_markdown(),
            changelog=changelog.to_markdown() if changelog else "",
        )
    )
    (stage / "README.md").write_text(card, encoding="utf-8")
    report_dict = report.to_dict(counts)
    write_json(stage / "build_report.json", report_dict)
    configs = {s.recipe.name: {"recipe_version": s.recipe.version, "splits": counts.get(s.recipe.name, {})}
               for s in steps}
    manifest = write_manifest(
        stage,
        signature=signature,
        dataset={"name": config.name, "version": config.version},
        configs=configs,
        extra={"changelog": changelog.to_dict()} if changelog else None,
    )
    timings.add("card", time.perf_counter() - card_started - timings.get("exports", 0.0))
    return counts, report_dict, manifest


def _dedup_line(summary: dict[str, Any], settings: DedupSettings) -> str:
    kinds = {k: n for k, n in summary.get("by_kind", {}).items() if n}
    found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none found"
    return (f"exact and near-duplicate clusters (`{settings.signature()}`); "
            f"{summary.get('dropped', 0)} pairs dropped; members by kind: {found}.")
