"""`twcasual build`: build a dataset folder from paired lines."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from builder.cli.stdout import StdoutError
from builder.config import BuildConfig
from builder.ingest.discover import FILE_FORMATS

__all__ = ["add_build_command", "add_cache_options", "run_build"]


def add_cache_options(p: argparse.ArgumentParser, config_wins: bool = True) -> None:
    """The build cache's options, shared by `build` and `release`."""
    wins = "; [build] cache_dir in the config wins" if config_wins else ""
    p.add_argument("--cache-dir", default=os.environ.get("TWCASUAL_CACHE_DIR", ".twcasual-cache"),
                   metavar="DIR", help=f"build cache (default: $TWCASUAL_CACHE_DIR or .twcasual-cache{wins})")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")


def add_build_command(commands: Any) -> None:
    """Register `twcasual build`."""
    p = commands.add_parser("build", help="build a dataset folder from paired lines")
    p.add_argument("--config", help="build config (default: ./twcasual.toml if present)")
    p.add_argument("--input", action="append", metavar="PATH",
                   help="input file or folder, or hf://datasets/ORG/NAME (repeatable; overrides the config)")
    p.add_argument("--format", choices=["auto", *FILE_FORMATS],
                   help="input format (default: by extension; a .txt is sniffed: TSV if its lines hold tabs)")
    p.add_argument("--columns", metavar="MAP",
                   help="which columns hold en, zh and a per-row attribution, by position from 1 or by name: "
                   "en=1,zh=2,attribution=3 or en=English,zh=Chinese (TSV, CSV, JSONL, Parquet; overrides "
                   "[input] columns)")
    p.add_argument("--out", default="dist", help="output folder (default: dist)")
    p.add_argument("--force", action="store_true",
                   help="replace --out even when it is not a previous twcasual output")
    p.add_argument("--export", action="append", choices=["jsonl", "llama-factory"],
                   help="extra export format (repeatable)")
    p.add_argument("--dataset-version", dest="version", help="dataset version (overrides the config)")
    p.add_argument("--previous", help="previous release (folder or org/name@vX.Y.Z) to keep splits stable against")
    p.add_argument("--skip-errors", action="store_true", help="set aside pairs a recipe fails on instead of stopping")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_cache_options(p)
    p.add_argument("--timings", action="store_true",
                   help="print seconds per stage (worker stages add up their workers)")
    p.add_argument("--timings-json", metavar="FILE", help="write seconds per stage as JSON")
    p.set_defaults(handler=run_build)


def _config(args: argparse.Namespace) -> BuildConfig:
    from builder.config import config_or_default

    # --input without --config builds from the defaults, not from ./twcasual.toml
    config = BuildConfig() if args.input and not args.config else config_or_default(args.config)
    if args.input:
        config = replace(config, inputs=tuple(p if p.startswith("hf://") else Path(p) for p in args.input))
    if args.format:
        config = replace(config, input_format=args.format)
    if args.columns:
        from builder.ingest.columns import parse_columns

        config = replace(config, input_columns=parse_columns(args.columns))
    if args.version:
        config = replace(config, version=args.version)
    if args.previous:
        config = replace(config, previous=args.previous)
    if getattr(args, "debug", False):
        config = replace(config, workers=1)  # tracebacks straight from the recipe, not a worker
    if args.export:
        config = replace(config, formats=tuple(dict.fromkeys([*config.formats, *args.export])))
    return config


def run_build(args: argparse.Namespace) -> int:
    """Handle `twcasual build`: build, then print the timings and a one-line summary."""
    from builder.pipeline import build

    config = _config(args)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(unit=" pairs", desc="reading", file=sys.stderr, mininterval=0.5,
                   disable=None, leave=False)
    try:
        cache_dir = None if args.no_cache else (config.cache_dir or Path(args.cache_dir))
        result = build(replace(config, cache_dir=None), Path(args.out), skip_errors=args.skip_errors,
                       progress=bar.update if bar is not None else None, cache_dir=cache_dir,
                       force=args.force)
    finally:
        if bar is not None:
            bar.close()
    if args.timings or args.timings_json:
        rows = result.timings.ordered()
        if args.timings_json:
            Path(args.timings_json).write_text(json.dumps(dict(rows), indent=2) + "\n", encoding="utf-8")
        if args.timings:
            for stage, seconds in rows:
                print(f"  {stage:<11} {seconds:8.2f} s", file=sys.stderr)
    totals = result.report["totals"]
    per_split: dict[str, int] = {}
    for splits in result.counts.values():
        for split, rows in splits.items():
            per_split[split] = per_split.get(split, 0) + rows
    set_aside = totals["unpaired"] + sum(totals["rejected"].values())
    skipped = len(result.report.get("skipped_files", []))
    passed_over = (f", {skipped} {'path' if skipped == 1 else 'paths'} passed over (build_report.json says why)"
                   if skipped else "")
    warning = result.report.get("sources", {}).get("warning")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    if result.cache.get("hits", {}).get("output"):
        print("(unchanged inputs and config: output restored from the build cache)", file=sys.stderr)
    for warning in result.report.get("register", {}).get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    try:
        print(
            f"built {args.out}: {totals['pairs']} pairs from {totals['lines']} lines in {totals['files']} files; "
            f"{set_aside} lines set aside, {sum(totals['pairs_filtered'].values())} pairs filtered, "
            f"{totals['duplicates']} duplicates dropped{passed_over}; records "
            + ", ".join(f"{s} {n}" for s, n in sorted(per_split.items()))
        )
        sys.stdout.flush()
    except StdoutError as error:  # the output is in place: say so, with the one thing that failed
        raise StdoutError(error.error, done=f"built {args.out}") from None
    return 0
