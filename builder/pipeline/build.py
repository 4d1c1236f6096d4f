"""build(): check the config, plan, then run the stages in a staging folder that replaces OUT only
when every stage succeeded; the build cache lets a rebuild skip whatever did not change."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.config import BuildConfig
from builder.contract.registry import Registry, default_registry
from builder.engine.cache import BuildCache
from builder.engine.executor import Executor, paused_gc
from builder.engine.timing import Timings
from builder.errors import ConfigError
from builder.output.staging import check_target, staged_output
from builder.pipeline.context import PassContext
from builder.pipeline.plan import make_plan
from builder.pipeline.stages import BuildRun
from builder.text.normalize import Normalizer

__all__ = ["BuildResult", "build"]


@dataclass(frozen=True)
class BuildResult:
    """What a finished build reports back to the caller."""

    out: Path
    counts: dict[str, dict[str, int]]
    report: dict[str, Any]
    manifest: dict[str, Any]
    timings: Timings
    cache: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # warnings shown on the way (not in the output)


def build(
    config: BuildConfig,
    out: Path,
    *,
    registry: Registry | None = None,
    skip_errors: bool = False,
    progress: Callable[[int], None] | None = None,
    cache_dir: Path | None = None,
    force: bool = False,
    notify: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the dataset described by `config` into `out`, atomically.

    `cache_dir` (or the config's `[build] cache_dir`) turns the build cache on. `out` is
    replaced only when it is a previous twcasual output (or empty, or `force`); see
    `builder.output.staging.check_target` for the folders that are refused even with `force`.
    `notify` gets each warning line about the run itself (a damaged cache entry, leftovers of a
    dead build removed); by default they go to stderr.
    """
    if not config.inputs:
        raise ConfigError("no input: give --input PATH or [input] paths in the config")
    cache_dir = cache_dir or config.cache_dir
    guarded = [*config.inputs, *([cache_dir] if cache_dir else [])]
    check_target(out, inputs=guarded, force=force)  # before any work: a refusal costs nothing
    plan = make_plan(config, registry or default_registry(), skip_errors)
    cache = BuildCache(cache_dir)
    run = BuildRun(plan, cache, progress, notify or _warn)
    swept = cache.sweep()
    if swept:
        run.notice(f"removed {swept} temporary file(s) that dead builds left in the build cache {cache_dir}")
    with staged_output(out, inputs=guarded, force=force) as stage:
        restored = cache.restore_output(plan.output_key, stage)
        run.cache_warnings()
        if restored:
            run.restored(stage)
        else:
            context = PassContext(Normalizer(), plan.annotator, plan.steps, plan.step_keys,
                                  skip_errors, plan.dedup, cache)
            # Inside the staging folder: on any failure the workers are killed before the folder
            # they write parcels into is removed. paused_gc: the passes make millions of
            # short-lived, acyclic objects.
            with Executor(config.workers, context) as executor, paused_gc():
                run.execute(stage, executor)
            cache.store_output(plan.output_key, stage, run.manifest["files"])
    return BuildResult(out, run.counts, run.report_dict, run.manifest, run.timings, cache.summary(),
                       run.notices)


def _warn(message: str) -> None:
    print(f"twcasual: warning: {message}", file=sys.stderr)
