"""The build plan: what a config asks for, resolved and checked before any work, with the keys that
name every cached result (per input file, per recipe, the whole output)."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from builder.annotate import Annotator, get_annotator
from builder.config import BuildConfig
from builder.contract.apply import Step
from builder.contract.recipe import Recipe
from builder.contract.registry import Registry
from builder.dedup.settings import DedupSettings
from builder.engine.cache import code_digest, digest
from builder.errors import ConfigError, InputError
from builder.ingest.discover import Discovery, discover
from builder.ingest.readers import input_sha256
from builder.quality.filter_settings import FilterSettings
from builder.release.previous import PreviousRelease, load_previous

__all__ = ["BuildPlan", "make_plan", "recipe_digest", "select_steps"]


@dataclass(frozen=True)
class BuildPlan:
    """Everything a build decided before reading a line."""

    config: BuildConfig
    steps: list[Step]
    annotator: Annotator
    dedup: DedupSettings
    filters: FilterSettings
    previous: PreviousRelease | None
    files: Discovery
    file_shas: list[str]  # sha256 of each input file ("" for a Hub dataset)
    file_keys: list[str]  # each input file's pass-1 cache key ("": not cached)
    step_keys: list[str]  # each recipe's records cache key
    output_key: str  # the whole output's cache key ("": not cached, an input has no hash)
    skip_errors: bool


def select_steps(config: BuildConfig, registry: Registry) -> list[Step]:
    """Resolve the config's recipe selection against the registry (files are loaded here)."""
    steps = []
    for selection in config.recipes:
        chosen = (registry.load_file(selection.file, display=selection.name) if selection.file is not None
                  else [registry.get(selection.name)])
        for item in chosen:
            table = selection.name if selection.file is None else f'"{selection.name}"'
            item.resolve_params(selection.params, f"{selection.where} [recipes.{table}]")  # typos stop here
            steps.append(Step(item, selection.params, selection.core))
    names = [s.recipe.name for s in steps]
    if len(set(names)) != len(names):
        raise ConfigError(f"a recipe is selected twice: {', '.join(names)}")
    return steps


def recipe_digest(recipe: Recipe, params: Mapping[str, Any], core: Mapping[str, Any]) -> str:
    """A recipe's key: name, version, parameters, core keys and the source file(s) of its functions."""
    sources = []
    for function in (recipe.function, recipe.batch):
        if function is None:
            continue
        try:
            source_file = inspect.getsourcefile(function)
            sources.append(hashlib.sha256(Path(source_file).read_bytes()).hexdigest() if source_file else "")
        except (TypeError, OSError):
            sources.append("unknown")
    # one source file (the common case) keys as it always did
    source = sources[0] if len(set(sources)) == 1 else sources
    return digest("recipe", recipe.name, recipe.version, dict(params), dict(core), source,
                  code_digest())


def make_plan(config: BuildConfig, registry: Registry, skip_errors: bool) -> BuildPlan:
    """Check the config against the registry and the inputs, in the order a user fixes them."""
    steps = select_steps(config, registry)
    annotator = get_annotator(config.annotate_backend, **dict(config.annotate_options))
    dedup = DedupSettings.from_mapping(config.dedup)
    filters = FilterSettings.from_mapping(config.filters)
    previous = load_previous(config.previous) if config.previous else None
    files = discover(list(config.inputs), config.input_format, config.input_columns, config.sources,
                     config.license)
    if not files and files.skipped:  # a FIFO or a device alone: say so, do not build an empty dataset
        raise InputError(f"nothing to read: {'; '.join(files.skipped)}")
    # Hashed before any line is read, for the keys; the reader hashes the bytes it reads again and
    # the build stops if they differ (the file changed in between).
    file_shas = [input_sha256(f) for f in files]
    file_keys = [
        digest("pass1", sha, f.name, f.reading(), config.max_line_chars, code_digest(), annotator.name,
               dict(config.annotate_options), asdict(dedup), filters.signature(), config.batch_size) if sha else ""
        for sha, f in zip(file_shas, files)
    ]
    step_keys = [recipe_digest(s.recipe, s.params, s.core_values) for s in steps]
    card = [config.name, config.pretty_name, config.version, config.license, config.description,
            config.repo, config.default_config]
    output_key = digest("output", file_keys, step_keys, card, config.ratios, config.large_group, config.formats,
                        config.shard_rows, previous.signature if previous else "", skip_errors) \
        if all(file_keys) else ""
    return BuildPlan(config, steps, annotator, dedup, filters, previous, files, file_shas, file_keys,
                     step_keys, output_key, skip_errors)
