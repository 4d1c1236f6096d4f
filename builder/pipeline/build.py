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
from builder.limits import Place, is_limit, limit_error, naming
from builder.output.lock import output_lock
from builder.output.staging import check_target, staged_output, terminable
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
    local = [p for p in config.inputs if isinstance(p, Path)]  # not the hf:// addresses
    guarded = [*local, *([cache_dir] if cache_dir else [])]
    absolute = check_target(out, inputs=guarded, force=force)  # before any work: a refusal costs nothing
    places = [*([Place(cache_dir, "the build cache", "--cache-dir", "pass --no-cache")] if cache_dir else []),
              *(Place(path, "an input", otherwise="make it readable, or leave it out") for path in local),
              Place(absolute.parent, "the output", "--out", stem=absolute.name)]
    try:
        with terminable(), output_lock(absolute):
            cache = BuildCache(cache_dir)
            swept = cache.sweep()  # makes the cache folder: a read-only one fails here, not later
            plan = make_plan(config, registry or default_registry(), skip_errors)
            run = BuildRun(plan, cache, progress, notify or _warn)
            if swept:
                run.notice(f"removed {swept} temporary file(s) that dead builds left in the build "
                           f"cache {cache_dir}")
            try:
                with staged_output(out, inputs=guarded, force=force, notify=run.notice) as stage:
                    _build_in(stage, run, cache)
            except BaseException:
                _sweep_quietly(cache)  # entries the killed workers were writing
                raise
    except OSError as error:  # from this process or a worker: the machine's limits, in one line
        if not is_limit(error):
            raise
        raise limit_error(error, places) from None
    return BuildResult(out, run.counts, run.report_dict, run.manifest, run.timings, cache.summary(),
                       run.notices)


def _build_in(stage: Path, run: BuildRun, cache: BuildCache) -> None:
    """Fill the staging folder: from the output cache, or by running the passes."""
    plan = run.plan
    restored = bool(plan.output_key) and cache.restore_output(plan.output_key, stage)  # "": an input has no hash
    run.cache_warnings()
    if restored:
        run.restored(stage)
        return
    context = PassContext(Normalizer(), plan.annotator, plan.steps, plan.step_keys, plan.skip_errors,
                          plan.dedup, cache, plan.filters)
    # Inside the staging folder: on any failure the workers are killed before the folder they
    # write parcels into is removed. paused_gc: the passes make millions of short-lived, acyclic
    # objects. Writes that fail without naming a file were writing into the staging folder.
    with Executor(plan.config.workers, context) as executor, paused_gc(), naming(stage):
        run.execute(stage, executor)
    if plan.output_key:
        cache.store_output(plan.output_key, stage, run.manifest["files"])


def _sweep_quietly(cache: BuildCache) -> None:
    try:
        cache.sweep()
    except OSError:
        pass  # the error on the way out says more than this one would


def _warn(message: str) -> None:
    print(f"twcasual: warning: {message}", file=sys.stderr)
